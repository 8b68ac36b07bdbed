package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// flagSet is a command's flags with its synopsis, for -h.
type flagSet struct {
	*flag.FlagSet
	e        *env
	synopsis string
}

// newFlags returns the flags of a command, which reports its own errors so
// that the command can turn them into exitUsage. synopsis follows
// "usage: bbans " in the help.
func newFlags(e *env, name, synopsis string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed by parseFlags
	fs.Usage = func() {}     // the flag package calls it on every error
	return &flagSet{fs, e, synopsis}
}

// help prints the synopsis and the flags, aliases on one line
// ("-f, --force"), in the order of their first name.
func (fs *flagSet) help() {
	w := fs.e.stderr
	fmt.Fprintf(w, "usage: bbans %s\n\noptions:\n", fs.synopsis)
	type entry struct {
		names []string
		f     *flag.Flag
	}
	var order []*entry
	byUsage := map[string]*entry{}
	fs.VisitAll(func(f *flag.Flag) {
		if en, ok := byUsage[f.Usage]; ok {
			en.names = append(en.names, f.Name)
			return
		}
		en := &entry{names: []string{f.Name}, f: f}
		byUsage[f.Usage] = en
		order = append(order, en)
	})
	for _, en := range order {
		sort.Slice(en.names, func(i, j int) bool { return len(en.names[i]) < len(en.names[j]) })
		var names []string
		for _, n := range en.names {
			if len(n) == 1 {
				names = append(names, "-"+n)
			} else {
				names = append(names, "--"+n)
			}
		}
		arg, usage := flag.UnquoteUsage(en.f)
		line := "  " + strings.Join(names, ", ")
		if arg != "" {
			line += " " + arg
		}
		if d := en.f.DefValue; d != "" && d != "false" && d != "0" && !strings.Contains(usage, "default") {
			usage += " (default " + d + ")"
		}
		fmt.Fprintf(w, "%-24s %s\n", line, usage)
	}
}

// parseFlags parses args like gzip and zstd do: flags may come before,
// between or after the operands, and "--" ends the flags. "-" is an
// operand (standard input or output). It returns the operands and, when
// parsing stops the command, the exit code: exitOK after -h, exitUsage
// after a mistake (with the message already printed).
func parseFlags(e *env, fs *flagSet, args []string) (operands []string, code int, stop bool) {
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fs.help()
			return nil, exitOK, true
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "bbans: %s: %v\n", fs.Name(), err)
			fmt.Fprintf(e.stderr, "Run 'bbans %s -h' for usage.\n", fs.Name())
			return nil, exitUsage, true
		}
		rest := fs.Args()
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" && !isFlagValue(fs, args, consumed-1) {
			return append(operands, rest...), exitOK, false
		}
		if len(rest) == 0 {
			return operands, exitOK, false
		}
		operands = append(operands, rest[0])
		args = rest[1:]
	}
}

// isFlagValue reports whether args[i] is the value of the flag before it
// ("-o --"), not the end-of-flags marker.
func isFlagValue(fs *flagSet, args []string, i int) bool {
	if i == 0 {
		return false
	}
	prev := strings.TrimLeft(args[i-1], "-")
	if !strings.HasPrefix(args[i-1], "-") || strings.Contains(prev, "=") {
		return false
	}
	f := fs.Lookup(prev)
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}

// usageError prints a command-line mistake and returns exitUsage.
func usageError(e *env, cmd, format string, a ...any) int {
	fmt.Fprintf(e.stderr, "bbans: %s: %s\n", cmd, fmt.Sprintf(format, a...))
	fmt.Fprintf(e.stderr, "Run 'bbans %s -h' for usage.\n", cmd)
	return exitUsage
}

// boolFlag defines a boolean flag under several names (-k and --keep).
func boolFlag(fs *flagSet, p *bool, usage string, names ...string) {
	for _, n := range names {
		fs.BoolVar(p, n, *p, usage)
	}
}

// intFlag defines an int flag under several names.
func intFlag(fs *flagSet, p *int, usage string, names ...string) {
	for _, n := range names {
		fs.IntVar(p, n, *p, usage)
	}
}

// stringFlag defines a string flag under several names.
func stringFlag(fs *flagSet, p *string, usage string, names ...string) {
	for _, n := range names {
		fs.StringVar(p, n, *p, usage)
	}
}
