package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	"github.com/bbans/bbans/format"
)

// The command line of gzip and zstd: `bbans -d FILE.bbans`, `bbans -kf
// FILE`, `bbans -t FILE.bbans`, `bbans FILE`. When the first argument is an
// option, "-" or an existing file rather than a command, an operation
// option picks the command (compress when there is none) and the other
// arguments go to it unchanged.

// modes are the operation options and the commands they run.
var (
	shortModes = map[rune]string{'z': "compress", 'd': "decompress", 't': "test", 'l': "info"}
	longModes  = map[string]string{"compress": "compress", "decompress": "decompress", "uncompress": "decompress", "test": "test", "list": "info"}
)

// likeZstd reports whether args are a gzip or zstd command line rather
// than a bbans command.
func likeZstd(args []string) bool {
	a := args[0]
	if strings.HasPrefix(a, "-") {
		return true
	}
	_, err := os.Stat(a)
	return err == nil
}

// runLikeZstd runs a gzip or zstd command line.
func runLikeZstd(e *env, args []string) int {
	mode, rest, err := splitMode(e, args)
	switch {
	case err == errVersion:
		fmt.Fprintln(e.stdout, version())
		return exitOK
	case err != nil:
		fmt.Fprintf(e.stderr, "bbans: %v\n", err)
		fmt.Fprintf(e.stderr, "Run 'bbans help' for usage.\n")
		return exitUsage
	}
	return commands[mode].run(e, rest)
}

var errVersion = fmt.Errorf("version asked for")

// splitMode takes the operation options out of args and returns the
// command they name and the arguments left for it. It knows which options
// take a value (and so which word after them is not an option) from the
// flags of compress and decompress, which every other file command's
// flags are a subset of.
func splitMode(e *env, args []string) (mode string, rest []string, err error) {
	cfs, _ := newCompressFlags(e)
	dfs, _, _ := newDecompressFlags(e)
	takesValue := func(name string) bool {
		for _, fs := range []*flagSet{cfs, dfs} {
			if f := fs.Lookup(name); f != nil && !isBool(f) {
				return true
			}
		}
		return false
	}
	known := func(name string) bool { return cfs.Lookup(name) != nil || dfs.Lookup(name) != nil }
	var typed string // the option that chose mode, for a contradiction
	set := func(m, as string) error {
		if mode != "" && m != mode {
			return fmt.Errorf("%s and %s contradict each other", typed, as)
		}
		mode, typed = m, as
		return nil
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			rest = append(rest, a)
			continue
		}
		body := strings.TrimLeft(a, "-")
		name, _, hasValue := strings.Cut(body, "=")
		if strings.HasPrefix(a, "--") || (utf8.RuneCountInString(name) > 1 && known(name)) {
			if m, ok := longModes[name]; ok && strings.HasPrefix(a, "--") {
				if err := set(m, a); err != nil {
					return "", nil, err
				}
				continue
			}
			if name == "version" {
				return "", nil, errVersion
			}
			rest = append(rest, a)
			if !hasValue && takesValue(name) && i+1 < len(args) {
				i++
				rest = append(rest, args[i])
			}
			continue
		}
		// A word of short options: drop the operation letters, keep the
		// others; a letter with a value ends the word's options.
		var kept strings.Builder
		valueNext := false
		for j, r := range body {
			if m, ok := shortModes[r]; ok {
				if err := set(m, "-"+string(r)); err != nil {
					return "", nil, err
				}
				continue
			}
			if r == 'V' {
				return "", nil, errVersion
			}
			kept.WriteRune(r)
			if takesValue(string(r)) {
				kept.WriteString(body[j+utf8.RuneLen(r):])
				valueNext = j+utf8.RuneLen(r) == len(body)
				break
			}
		}
		if kept.Len() > 0 {
			w := "-" + kept.String()
			if w != a {
				if e.typed == nil {
					e.typed = map[string]string{}
				}
				e.typed[w] = a // for a message about w to name what was typed
			}
			rest = append(rest, w)
		}
		if valueNext && i+1 < len(args) {
			i++
			rest = append(rest, args[i])
		}
	}
	if mode == "" {
		mode = "compress"
	}
	return mode, rest, nil
}

// version is what --version prints: the module version (or "(devel)" for
// a build from a checkout), the archive format it writes and the Go
// release that built it.
func version() string {
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	return fmt.Sprintf("bbans %s, archive format %d.%d, %s %s/%s", v, format.MajorVersion, format.MinorVersion, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
