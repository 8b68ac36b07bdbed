package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// newFlags returns a FlagSet for a command that reports its own errors, so
// that the command can turn them into exitUsage. usage is the synopsis
// printed by -h, after "usage: bbans ".
func newFlags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse errors are printed by parseFlags
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: bbans %s\n\noptions:\n", synopsis)
		fs.SetOutput(e.stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args like gzip and zstd do: flags may come before,
// between or after the operands, and "--" ends the flags. "-" is an
// operand (standard input or output). It returns the operands and, when
// parsing stops the command, the exit code: exitOK after -h, exitUsage
// after a mistake (with the message already printed).
func parseFlags(e *env, fs *flag.FlagSet, args []string) (operands []string, code int, stop bool) {
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fs.Usage()
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
func isFlagValue(fs *flag.FlagSet, args []string, i int) bool {
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
func boolFlag(fs *flag.FlagSet, p *bool, usage string, names ...string) {
	for _, n := range names {
		fs.BoolVar(p, n, *p, usage)
	}
}

// intFlag defines an int flag under several names.
func intFlag(fs *flag.FlagSet, p *int, usage string, names ...string) {
	for _, n := range names {
		fs.IntVar(p, n, *p, usage)
	}
}

// stringFlag defines a string flag under several names.
func stringFlag(fs *flag.FlagSet, p *string, usage string, names ...string) {
	for _, n := range names {
		fs.StringVar(p, n, *p, usage)
	}
}
