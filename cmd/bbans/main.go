// Command bbans compresses and decompresses data with bits-back ANS and
// latent-variable models (Townsend, Bird & Barber, ICLR 2019), in the mould
// of gzip and zstd. See README.md and `bbans help`.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// Exit codes. Scripts can tell a usage mistake from damaged input.
const (
	exitOK      = 0
	exitFailure = 1 // I/O errors, refused overwrites, anything else
	exitUsage   = 2 // bad command line
	exitCorrupt = 3 // input is not a valid archive, or is damaged
)

// command is one subcommand. Each lives in its own file and registers
// itself in init with register.
type command struct {
	name    string
	summary string // one line for `bbans help`
	// run executes the command with the arguments after its name and
	// returns the exit code.
	run func(env *env, args []string) int
}

// env is what a command reads and writes, so tests can run commands in
// process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// stderrIsTerminal enables progress bars and summaries.
	stderrIsTerminal bool
	// stdoutIsTerminal and stdinIsTerminal make compress refuse to write,
	// and decompress refuse to read, compressed data on a terminal.
	stdoutIsTerminal, stdinIsTerminal bool
	// stderrWidth returns the columns of the terminal on standard error,
	// 0 if unknown; nil: unknown.
	stderrWidth func() int
	// typed maps an option word that a gzip or zstd command line was cut
	// to (-x of -dx) to the word as typed, for messages.
	typed map[string]string
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("bbans: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

func main() {
	e := &env{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		stderrIsTerminal: isTerminal(os.Stderr),
		stdoutIsTerminal: isTerminal(os.Stdout),
		stdinIsTerminal:  isTerminal(os.Stdin),
		stderrWidth:      func() int { return terminalWidth(os.Stderr) },
	}
	// Temporary output files are removed on SIGINT and SIGTERM; only the
	// real process installs the handler, not in-process tests.
	handleSignals(e.stderr)
	os.Exit(run(e, os.Args[1:]))
}

// run dispatches to the subcommand named by args[0], or runs a gzip or
// zstd command line (likezstd.go).
func run(e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "--help":
		usage(e.stdout)
		return exitOK
	case "version":
		fmt.Fprintln(e.stdout, version())
		return exitOK
	}
	if c, ok := commands[args[0]]; ok {
		return c.run(e, args[1:])
	}
	if likeZstd(args) {
		return runLikeZstd(e, args)
	}
	fmt.Fprintf(e.stderr, "bbans: unknown command %q, and no file of that name\n\n", args[0])
	usage(e.stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "usage: bbans <command> [arguments]\n       bbans [-z|-d|-t|-l] [options] [FILE|-]...\n\ncommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nRun 'bbans <command> -h' for a command's options.\n"+
		"Like zstd: 'bbans [-z|-d|-t|-l] [options] FILE...' compresses (-z, the default),\n"+
		"decompresses (-d), tests (-t) or lists (-l); -V prints the version.\n")
}
