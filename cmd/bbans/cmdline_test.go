package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseFlags checks the getopt_long rules of parseFlags on a flag set
// like compress's: combined short options, values in the same word or the
// next, long options with = or a separate value, levels, "--", and
// mistakes reported as typed.
func TestParseFlags(t *testing.T) {
	type got struct {
		Operands             []string
		Keep, Force, Verbose bool
		Threads, Level       int
		Output, Code         string
	}
	for _, c := range []struct {
		args []string
		want got
		err  string // part of the message, for a usage error
	}{
		{args: []string{"-kf", "a"}, want: got{Operands: []string{"a"}, Keep: true, Force: true}},
		{args: []string{"-T0", "a", "-T", "3"}, want: got{Operands: []string{"a"}, Threads: 3}},
		{args: []string{"-kT2", "a"}, want: got{Operands: []string{"a"}, Keep: true, Threads: 2}},
		{args: []string{"-T=4"}, want: got{Threads: 4}},
		{args: []string{"--threads=5", "--output", "-", "a"}, want: got{Operands: []string{"a"}, Threads: 5, Output: "-"}},
		{args: []string{"-oout", "-v"}, want: got{Output: "out", Verbose: true}},
		{args: []string{"-o", "-v"}, want: got{Output: "-v"}},
		{args: []string{"-19", "a"}, want: got{Operands: []string{"a"}, Level: 19}},
		{args: []string{"-3kf"}, want: got{Level: 3, Keep: true, Force: true}},
		{args: []string{"--keep=false", "-"}, want: got{Operands: []string{"-"}}},
		{args: []string{"a", "--", "-k", "--"}, want: got{Operands: []string{"a", "-k", "--"}}},
		{args: []string{"-threads", "6"}, want: got{Threads: 6}}, // Go's single-dash long name
		{args: []string{"--bogus"}, err: "unknown option --bogus"},
		{args: []string{"-kx"}, err: "unknown option -x in -kx"},
		{args: []string{"-bogus"}, err: "unknown option -b in -bogus"},
		{args: []string{"--k"}, err: "unknown option --k (did you mean -k?)"},
		{args: []string{"-T"}, err: "option -T needs a value"},
		{args: []string{"--threads"}, err: "option --threads needs a value"},
		{args: []string{"-Tx"}, err: `invalid value "x" for -T: want a number`},
		{args: []string{"--keep=maybe"}, err: `invalid value "maybe" for --keep: want true or false`},
		{args: []string{"-20"}, err: "levels are -1 to -19"},
		{args: []string{"-0"}, err: "levels are -1 to -19"},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var stderr bytes.Buffer
			e := &env{stdout: &bytes.Buffer{}, stderr: &stderr}
			var ff fileFlags
			var level int
			fs := newFlags(e, "compress", "compress")
			addFileFlags(fs, &ff, true)
			fs.levels(&level, "level")
			ops, code, stop := parseFlags(e, fs, c.args)
			if c.err != "" {
				if !stop || code != exitUsage || !strings.HasPrefix(stderr.String(), "bbans: compress: ") || !strings.Contains(stderr.String(), c.err) {
					t.Errorf("stop %v, code %d, stderr %q; want a usage error %q", stop, code, stderr.String(), c.err)
				}
				return
			}
			if stop {
				t.Fatalf("stopped with %d: %s", code, stderr.String())
			}
			g := got{Operands: ops, Keep: ff.keep, Force: ff.force, Verbose: ff.verbose, Threads: ff.threads, Level: level, Output: ff.output}
			if diff := cmp.Diff(c.want, g); diff != "" {
				t.Errorf("parsed (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHelpFlags checks -h and --help: the help on standard output and
// exit 0, no empty options section for a command without options.
func TestHelpFlags(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}, {"compress", "-h"}, {"decompress", "--help"}, {"info", "-h"}} {
		r := bbans(t, dir, nil, args...)
		if r.code != exitOK || !bytes.Contains(r.stdout, []byte("usage: bbans")) {
			t.Errorf("bbans %s: %v, stdout %q", strings.Join(args, " "), r, r.stdout)
		}
	}
	if r := bbans(t, dir, nil, "info", "-h"); bytes.HasSuffix(bytes.TrimSpace(r.stdout), []byte("options:")) || !bytes.Contains(r.stdout, []byte("--frames")) {
		t.Errorf("info -h: an empty options section, or no --frames:\n%s", r.stdout)
	}
	if r := bbans(t, dir, nil, "decompress", "-h"); bytes.Contains(r.stdout, []byte("compressed data to a terminal")) {
		t.Errorf("decompress -h documents compress's -f:\n%s", r.stdout)
	}
	if r := bbans(t, dir, nil, "compress", "-h"); !bytes.Contains(r.stdout, []byte("-1 .. -19")) {
		t.Errorf("compress -h does not document the levels:\n%s", r.stdout)
	}
}

// TestVersion checks --version, -V and `bbans version`.
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-V"}, {"version"}, {"-d", "-V"}} {
		r := must(t, t.TempDir(), nil, args...)
		if !strings.HasPrefix(string(r.stdout), "bbans ") || !bytes.Contains(r.stdout, []byte("archive format 1.")) {
			t.Errorf("bbans %s: %q", strings.Join(args, " "), r.stdout)
		}
	}
}

// TestLikeZstd runs the command lines of gzip and zstd users: an operation
// option (-z, -d, -t, -l, or none) instead of a command, combined short
// options, -T0 and -T 0.
func TestLikeZstd(t *testing.T) {
	dir := t.TempDir()
	content := []byte("short text, stored: no model is loaded for a partial record")
	put(t, filepath.Join(dir, "a"), content)

	must(t, dir, nil, "-kT0", "a") // compress is the default operation
	if _, err := os.Stat(filepath.Join(dir, "a.bbans")); err != nil {
		t.Fatal("bbans -kT0 a wrote no a.bbans:", err)
	}
	must(t, dir, nil, "-kf", "-T", "0", "a") // -f overwrites
	if r := bbans(t, dir, nil, "-k", "a"); r.code != exitFailure {
		t.Errorf("bbans -k a over an existing a.bbans: %v, want exit %d", r, exitFailure)
	}
	must(t, dir, nil, "a", "-zf") // a file as the first argument; -z after it
	archive := get(t, filepath.Join(dir, "a.bbans"))

	if r := must(t, dir, nil, "-dc", "a.bbans"); !bytes.Equal(r.stdout, content) {
		t.Errorf("bbans -dc: %q", r.stdout)
	}
	if r := must(t, dir, archive, "-d"); !bytes.Equal(r.stdout, content) {
		t.Errorf("bbans -d < a.bbans: %q", r.stdout)
	}
	must(t, dir, nil, "--decompress", "-o", "b", "a.bbans")
	if !bytes.Equal(get(t, filepath.Join(dir, "b")), content) {
		t.Error("bbans --decompress -o b: wrong content")
	}
	must(t, dir, nil, "-dfk", "a.bbans")
	if !bytes.Equal(get(t, filepath.Join(dir, "a")), content) {
		t.Error("bbans -dfk a.bbans: wrong content")
	}
	must(t, dir, nil, "-t", "a.bbans")
	must(t, dir, nil, "-tq", "a.bbans")
	put(t, filepath.Join(dir, "bad.bbans"), append(archive[:len(archive)-4:len(archive)-4], 1, 2, 3, 4))
	if r := bbans(t, dir, nil, "--test", "bad.bbans"); r.code != exitCorrupt {
		t.Errorf("bbans --test bad.bbans: %v, want exit %d", r, exitCorrupt)
	}
	if r := must(t, dir, nil, "-l", "a.bbans"); !bytes.Contains(r.stdout, []byte("content:")) {
		t.Errorf("bbans -l: %q", r.stdout)
	}

	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--bogus", "a"}, "unknown option --bogus"},
		{[]string{"-d", "-z", "a"}, "-d and -z contradict each other"},
		{[]string{"-dx", "a.bbans"}, "unknown option -x (in -dx)"},
		{[]string{"-l", "-k", "a.bbans"}, "unknown option -k"},
		{[]string{"no-such-file"}, `unknown command "no-such-file", and no file of that name`},
	} {
		r := bbans(t, dir, nil, c.args...)
		if r.code != exitUsage || !bytes.Contains(r.stderr, []byte(c.msg)) {
			t.Errorf("bbans %s: %v, want exit %d and %q", strings.Join(c.args, " "), r, exitUsage, c.msg)
		}
	}
}

// TestModeOptionsFree checks that no file command defines the operation
// letters as options of its own, which splitMode would take away.
func TestModeOptionsFree(t *testing.T) {
	e := &env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	cfs, _ := newCompressFlags(e)
	dfs, _, _ := newDecompressFlags(e)
	for _, fs := range []*flagSet{cfs, dfs} {
		fs.VisitAll(func(f *flag.Flag) {
			for r := range shortModes {
				if f.Name == string(r) || f.Name == "V" {
					t.Errorf("%s defines -%s", fs.Name(), f.Name)
				}
			}
			if _, ok := longModes[f.Name]; ok || f.Name == "version" {
				t.Errorf("%s defines --%s", fs.Name(), f.Name)
			}
		})
	}
}
