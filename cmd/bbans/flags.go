package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// flagSet is a command's flags with its synopsis, for -h.
type flagSet struct {
	*flag.FlagSet
	e        *env
	synopsis string
	// level, if not nil, receives a numeric level flag (-1 to -19).
	level      *int
	levelUsage string
}

// newFlags returns the flags of a command, which reports its own errors so
// that the command can turn them into exitUsage. synopsis follows
// "usage: bbans " in the help.
func newFlags(e *env, name, synopsis string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parseFlags prints its own errors
	return &flagSet{FlagSet: fs, e: e, synopsis: synopsis}
}

// help prints the synopsis and the flags, aliases on one line
// ("-f, --force"), in the order of their first name.
func (fs *flagSet) help() {
	w := fs.e.stdout // asked for, so not an error: standard output, as in gzip and zstd
	fmt.Fprintf(w, "usage: bbans %s\n", fs.synopsis)
	if fs.level == nil && !hasFlags(fs.FlagSet) {
		return
	}
	fmt.Fprintf(w, "\noptions:\n")
	if fs.level != nil {
		fmt.Fprintf(w, "%-24s %s\n", fmt.Sprintf("  -%d .. -%d", minLevel, maxLevel), fs.levelUsage)
	}
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

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parseFlags parses args as gzip and zstd do (getopt_long style):
//   - long options take two dashes: --keep, --output=FILE or --output FILE;
//   - short options take one and combine: -kf is -k -f, and a short option
//     with a value takes the rest of its word or the next one: -T0, -T 0,
//     -oFILE, -o FILE;
//   - on a command with levels, -1 to -19 set the level (see levels);
//   - -h and --help print the help.
//
// Flags may come before, between or after the operands, and "--" ends the
// flags; "-" is an operand (standard input or output). A single-dash long
// name (-embed-model), which Go's flag package accepted, still works.
// It returns the operands and, when parsing stops the command, the exit
// code: exitOK after -h, exitUsage after a mistake (with the message, naming
// the option as typed, already printed).
func parseFlags(e *env, fs *flagSet, args []string) (operands []string, code int, stop bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(operands, args[i+1:]...), exitOK, false
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			operands = append(operands, a)
			continue
		}
		next := func() (string, bool) {
			if i+1 < len(args) {
				i++
				return args[i], true
			}
			return "", false
		}
		var err error
		if strings.HasPrefix(a, "--") {
			err = fs.long(a, next)
		} else {
			err = fs.short(a, next)
		}
		if errors.Is(err, flag.ErrHelp) {
			fs.help()
			return nil, exitOK, true
		}
		if err != nil {
			if typed, ok := e.typed[a]; ok {
				err = fmt.Errorf("%w (in %s)", err, typed)
			}
			fmt.Fprintf(e.stderr, "bbans: %s: %v\n", fs.Name(), err)
			fmt.Fprintf(e.stderr, "Run 'bbans %s -h' for usage.\n", fs.Name())
			return nil, exitUsage, true
		}
	}
	return operands, exitOK, false
}

// long parses one long option, a as typed (--name or --name=value; or
// -name, Go's spelling), taking its value from next when it needs one.
func (fs *flagSet) long(a string, next func() (string, bool)) error {
	body := strings.TrimLeft(a, "-")
	name, value, hasValue := strings.Cut(body, "=")
	if name == "help" && fs.Lookup("help") == nil {
		return flag.ErrHelp
	}
	f := fs.Lookup(name)
	if f == nil || utf8.RuneCountInString(name) == 1 {
		if f != nil {
			return fmt.Errorf("unknown option %s (did you mean -%s?)", a, name)
		}
		return fmt.Errorf("unknown option %s", a)
	}
	typed, _, _ := strings.Cut(a, "=")
	if isBool(f) {
		if !hasValue {
			value = "true"
		}
	} else if !hasValue {
		var ok bool
		if value, ok = next(); !ok {
			return fmt.Errorf("option %s needs a value", typed)
		}
	}
	if err := fs.Set(f.Name, value); err != nil {
		return fmt.Errorf("invalid value %q for %s: %v", value, typed, setError(f, err))
	}
	return nil
}

// short parses one word of short options, a as typed (-kf, -T0, -19).
func (fs *flagSet) short(a string, next func() (string, bool)) error {
	body := a[1:]
	if name, _, _ := strings.Cut(body, "="); utf8.RuneCountInString(name) > 1 && fs.Lookup(name) != nil {
		return fs.long(a, next)
	}
	for j := 0; j < len(body); {
		if fs.level != nil && body[j] >= '0' && body[j] <= '9' {
			k := j
			for k < len(body) && body[k] >= '0' && body[k] <= '9' {
				k++
			}
			n, err := strconv.Atoi(body[j:k])
			if err != nil || n < minLevel || n > maxLevel {
				return fmt.Errorf("unknown option -%s: levels are -%d to -%d", body[j:k], minLevel, maxLevel)
			}
			*fs.level = n
			j = k
			continue
		}
		r, size := utf8.DecodeRuneInString(body[j:])
		name := string(r)
		f := fs.Lookup(name)
		if f == nil {
			if name == "h" {
				return flag.ErrHelp
			}
			if len(body) > size {
				return fmt.Errorf("unknown option -%s in %s", name, a)
			}
			return fmt.Errorf("unknown option %s", a)
		}
		j += size
		if isBool(f) {
			fs.Set(f.Name, "true")
			continue
		}
		value := strings.TrimPrefix(body[j:], "=")
		if j == len(body) {
			var ok bool
			if value, ok = next(); !ok {
				return fmt.Errorf("option -%s needs a value", name)
			}
		}
		if err := fs.Set(f.Name, value); err != nil {
			return fmt.Errorf("invalid value %q for -%s: %v", value, name, setError(f, err))
		}
		return nil
	}
	return nil
}

// setError says what a value of f should have been, in place of the flag
// package's "parse error".
func setError(f *flag.Flag, err error) string {
	if err.Error() != "parse error" {
		return err.Error()
	}
	if isBool(f) {
		return "want true or false"
	}
	return "want a number"
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// Compression levels, as zstd numbers them (without --ultra).
const (
	minLevel = 1
	maxLevel = 19
)

// levels makes -1 to -19 set *p, as in zstd; 0 means no level was given.
func (fs *flagSet) levels(p *int, usage string) {
	fs.level = p
	fs.levelUsage = usage
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
