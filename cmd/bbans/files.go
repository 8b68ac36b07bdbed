package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// fileFlags are the options compress, decompress, cat and test share.
type fileFlags struct {
	stdout  bool   // -c: write to standard output
	output  string // -o: output file name ("-": standard output)
	force   bool   // -f: overwrite existing outputs
	keep    bool   // -k: keep the input (the default; accepted for gzip users)
	rm      bool   // --rm: remove the input after success
	threads int    // -T: chunks coded at once, 0 = GOMAXPROCS
	verbose bool
	quiet   bool
	discard bool // test: decode and verify, write nothing
}

// fileCmd describes how a command turns one input into one output.
type fileCmd struct {
	name        string
	compressing bool // raw bytes are read (compress) or written (decompress)
	recordSize  int  // for the progress bar's record count; 0 if unknown
	// outName derives the output file name from the input's.
	outName func(in string) (string, error)
	// transform copies in to out, compressing or decompressing.
	// The progress bar p may learn the record size.
	transform func(in io.Reader, out io.Writer, p *progress) error
}

// inputError and outputError mark I/O failures, so that they give
// exitFailure even when a library wraps them, and name the file.
type inputError struct {
	name string
	err  error
}

func (e *inputError) Error() string { return "reading " + e.name + ": " + unwrapPath(e.err).Error() }
func (e *inputError) Unwrap() error { return e.err }

type outputError struct {
	name string
	err  error
}

func (e *outputError) Error() string { return "writing " + e.name + ": " + unwrapPath(e.err).Error() }
func (e *outputError) Unwrap() error { return e.err }

// unwrapPath drops the file name of an *os.PathError, which may be a
// temporary file's, leaving "no space left on device".
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

type errReader struct {
	r    io.Reader
	name string
}

func (r errReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = &inputError{r.name, err}
	}
	return n, err
}

type errWriter struct {
	w    io.Writer
	name string
}

func (w errWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	if err != nil {
		err = &outputError{w.name, err}
	}
	return n, err
}

// runAll processes every operand ("-" or none: standard input) and returns
// the worst exit code; one failing file does not stop the others.
func (c *fileCmd) runAll(e *env, ff *fileFlags, operands []string) int {
	if len(operands) == 0 {
		operands = []string{"-"}
	}
	if ff.threads < 0 {
		return usageError(e, c.name, "-T %d: want 0 (all cores) or more", ff.threads)
	}
	if ff.output != "" && ff.output != "-" && len(operands) > 1 {
		return usageError(e, c.name, "-o names one output, but %d inputs were given", len(operands))
	}
	if ff.rm && (ff.stdout || ff.output == "-" || ff.discard) {
		return usageError(e, c.name, "--rm needs output files, not standard output")
	}
	stdin := 0
	for _, op := range operands {
		if op == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return usageError(e, c.name, "standard input given %d times", stdin)
	}
	code := exitOK
	for _, op := range operands {
		code = worst(code, c.one(e, ff, op))
	}
	return code
}

// one processes a single operand.
func (c *fileCmd) one(e *env, ff *fileFlags, name string) int {
	start := time.Now()
	display := name
	var in io.Reader
	var info os.FileInfo // the input's, if it is a regular file
	if name == "-" {
		display = "(stdin)"
		if !c.compressing && e.stdinIsTerminal {
			fmt.Fprintf(e.stderr, "bbans: %s: refusing to read compressed data from a terminal\n", display)
			return exitUsage
		}
		if c.compressing && e.stdinIsTerminal && !ff.force {
			// zstd: "stdin is a console, aborting"; data is not typed in.
			fmt.Fprintf(e.stderr, "bbans: %s: standard input is a terminal, aborting; give a FILE, redirect, or use -f\n", display)
			return exitUsage
		}
		in = e.stdin
	} else {
		// gzip: a symbolic link is not followed without -f, so that a
		// link does not stand for its target's data (and mode and time)
		// by accident; writing to standard output reads it, as gzip -c does.
		if li, err := os.Lstat(name); err == nil && li.Mode()&os.ModeSymlink != 0 && !ff.force && !ff.stdout && ff.output != "-" && !ff.discard {
			fmt.Fprintf(e.stderr, "bbans: %s: is a symbolic link; use -f to read what it points to, or -c\n", name)
			return exitFailure
		}
		f, err := os.Open(name)
		if err != nil {
			return report(e, name, unwrapPath(err))
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return report(e, name, err)
		}
		if fi.IsDir() {
			fmt.Fprintf(e.stderr, "bbans: %s: is a directory\n", name)
			return exitFailure
		}
		if fi.Mode().IsRegular() {
			info = fi
		}
		in = f
	}

	// Where the output goes.
	toStdout := ff.stdout || ff.output == "-" || (name == "-" && ff.output == "")
	var outName string
	switch {
	case ff.discard, toStdout:
	case ff.output != "":
		outName = ff.output
	default:
		if info == nil {
			fmt.Fprintf(e.stderr, "bbans: %s: not a regular file; use -c or -o\n", name)
			return exitFailure
		}
		var err error
		if outName, err = c.outName(name); err != nil {
			fmt.Fprintf(e.stderr, "bbans: %s: %v\n", name, err)
			return exitFailure
		}
	}
	if toStdout && !ff.discard && c.compressing && e.stdoutIsTerminal && !ff.force {
		fmt.Fprintf(e.stderr, "bbans: %s: refusing to write compressed data to a terminal; use -o, redirect, or -f\n", display)
		return exitUsage
	}

	var out io.Writer
	var of *outFile
	outDisplay := "(stdout)"
	switch {
	case ff.discard:
		out, outDisplay = io.Discard, ""
	case toStdout:
		out = errWriter{e.stdout, "standard output"}
	default:
		if info != nil {
			if oi, err := os.Stat(outName); err == nil && os.SameFile(info, oi) {
				fmt.Fprintf(e.stderr, "bbans: %s: input and output are the same file\n", name)
				return exitFailure
			}
		}
		var err error
		if of, err = createOut(outName, ff.force); err != nil {
			return report(e, name, err)
		}
		defer of.abort() // no-op after commit
		out, outDisplay = errWriter{of, outName}, outName
	}

	var total int64
	if info != nil {
		total = info.Size()
	}
	label := name
	if name == "-" {
		label = display
	}
	p := newProgress(e, label, total, c.compressing, c.recordSize)
	if ra, ok := in.(io.ReaderAt); ok && !c.compressing && info != nil && p.stop != nil {
		p.followFrames(ra, info.Size())
	}
	rawIn, rawOut := &p.packed, &p.raw
	if c.compressing {
		rawIn, rawOut = &p.raw, &p.packed
	}
	lastByte := &lastByteWriter{w: out}
	err := c.transform(countingReader{errReader{in, display}, rawIn}, countingWriter{lastByte, rawOut}, p)
	p.done()
	if err == nil && of != nil {
		if err = of.commit(info, ff.force); err != nil {
			err = &outputError{outName, err}
		}
	}
	if err != nil {
		return report(e, display, err)
	}
	if ff.rm && info != nil && of != nil {
		if err := os.Remove(name); err != nil {
			return report(e, name, fmt.Errorf("removing input: %w", unwrapPath(err)))
		}
	}
	if ff.verbose || (e.stderrIsTerminal && !ff.quiet && !ff.discard) {
		if toStdout && e.stdoutIsTerminal && lastByte.n > 0 && lastByte.b != '\n' {
			fmt.Fprintln(e.stderr) // the summary on a line of its own, after the output
		}
		c.summary(e, display, outDisplay, p.raw.Load(), p.packed.Load(), time.Since(start))
	}
	return exitOK
}

// summary prints the one-line report of a file: sizes, ratio, bits/dim
// (8 bits per byte times compressed over raw: the cost of one byte, or of
// one pixel of MNIST), time and speed in raw megabytes per second.
func (c *fileCmd) summary(e *env, in, out string, raw, packed int64, d time.Duration) {
	a, b := raw, packed
	if !c.compressing {
		a, b = packed, raw
	}
	name := in
	if out != "" {
		name += " -> " + out
	}
	line := fmt.Sprintf("%s: %d -> %d bytes", name, a, b)
	if raw > 0 {
		line += fmt.Sprintf(" (%.2f%%, %.4f bits/dim)", 100*float64(packed)/float64(raw), 8*float64(packed)/float64(raw))
	}
	secs := d.Seconds()
	line += fmt.Sprintf(" in %.3f s", secs)
	if secs > 0 {
		line += fmt.Sprintf(", %.2f MB/s", float64(raw)/1e6/secs)
	}
	fmt.Fprintln(e.stderr, line)
}

// lastByteWriter remembers the last byte written through it.
type lastByteWriter struct {
	w io.Writer
	b byte
	n int64
}

func (l *lastByteWriter) Write(p []byte) (int, error) {
	n, err := l.w.Write(p)
	if n > 0 {
		l.b, l.n = p[n-1], l.n+int64(n)
	}
	return n, err
}
