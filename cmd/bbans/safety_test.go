package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestNoOverwrite checks that an existing output survives without -f and
// is replaced with it.
func TestNoOverwrite(t *testing.T) {
	dir := t.TempDir()
	data := bytes.Repeat([]byte{0, 1}, 784)
	put(t, filepath.Join(dir, "in"), data)
	put(t, filepath.Join(dir, "in.bbans"), []byte("precious"))
	r := bbans(t, dir, nil, "compress", "in")
	if r.code != exitFailure || !bytes.Contains(r.stderr, []byte("already exists")) {
		t.Fatalf("compress over an existing output: %v", r)
	}
	if got := get(t, filepath.Join(dir, "in.bbans")); string(got) != "precious" {
		t.Fatal("compress overwrote an existing output without -f")
	}
	if es := entries(t, dir); len(es) != 2 {
		t.Fatalf("refused compress left files: %v", es)
	}
	must(t, dir, nil, "compress", "-f", "in")
	// decompress: in exists.
	put(t, filepath.Join(dir, "in"), []byte("also precious"))
	r = bbans(t, dir, nil, "decompress", "in.bbans")
	if r.code != exitFailure {
		t.Fatalf("decompress over an existing output: %v", r)
	}
	if got := get(t, filepath.Join(dir, "in")); string(got) != "also precious" {
		t.Fatal("decompress overwrote an existing output without -f")
	}
	must(t, dir, nil, "decompress", "-f", "in.bbans")
	if got := get(t, filepath.Join(dir, "in")); !bytes.Equal(got, data) {
		t.Fatal("decompress -f did not replace the output")
	}
}

// TestFullDevice writes to /dev/full: the error is reported with exit 1
// and the input is kept.
func TestFullDevice(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full")
	}
	defer full.Close()
	dir := t.TempDir()
	data := randomBytes(100000, 3)
	put(t, filepath.Join(dir, "in"), data)
	for _, args := range [][]string{{"compress", "-c", "in"}, {"compress", "-o", "-", "in"}} {
		cmd := exec.Command(bbansBin, args...)
		cmd.Dir, cmd.Stdout = dir, full
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitFailure {
			t.Fatalf("%v > /dev/full: %v, %s", args, err, stderr.Bytes())
		}
		if !strings.Contains(stderr.String(), "no space left") {
			t.Errorf("message does not say why: %s", stderr.Bytes())
		}
	}
	if es := entries(t, dir); len(es) != 1 {
		t.Fatalf("failed compress left files: %v", es)
	}
	if !bytes.Equal(get(t, filepath.Join(dir, "in")), data) {
		t.Fatal("input changed")
	}
}

// TestFullDisk fills a tiny tmpfs: no partial or temporary file may stay,
// and with --rm the input must stay too. It needs mount (root).
func TestFullDisk(t *testing.T) {
	if _, err := exec.LookPath("mount"); err != nil {
		t.Skip("no mount command")
	}
	src, mnt := t.TempDir(), t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v %s", err, out)
	}
	defer exec.Command("umount", mnt).Run()
	data := randomBytes(200000, 4) // stored: larger than the file system
	in := filepath.Join(src, "in")
	put(t, in, data)
	r := bbans(t, src, nil, "compress", "--rm", "-o", filepath.Join(mnt, "in.bbans"), "in")
	if r.code != exitFailure || !bytes.Contains(r.stderr, []byte("no space left")) {
		t.Fatalf("compress to a full disk: %v", r)
	}
	if es := entries(t, mnt); len(es) != 0 {
		t.Fatalf("full disk left files: %v", es)
	}
	if !bytes.Equal(get(t, in), data) {
		t.Fatal("input changed or removed after a failed compress --rm")
	}
	// Decompress into the full disk too.
	must(t, src, nil, "compress", "in")
	r = bbans(t, src, nil, "decompress", "-o", filepath.Join(mnt, "out"), "in.bbans")
	if r.code != exitFailure {
		t.Fatalf("decompress to a full disk: %v", r)
	}
	if es := entries(t, mnt); len(es) != 0 {
		t.Fatalf("full disk left files: %v", es)
	}
}

// TestInterrupt sends SIGINT and SIGTERM while compress is writing its
// output: the temporary file must go, and no output appear.
func TestInterrupt(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			cmd, stderr := startCompressing(t, dir)
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() != 128+int(sig) {
				t.Fatalf("after %v: %v, %s", sig, err, stderr.Bytes())
			}
			if es := entries(t, dir); len(es) != 0 {
				t.Fatalf("%v left files: %v", sig, es)
			}
		})
	}
}

// damaged returns variants of a valid archive: a flipped byte in the
// header, in a chunk and in the end frame, and truncations.
func damaged(arc []byte) map[string][]byte {
	flip := func(i int) []byte {
		b := bytes.Clone(arc)
		b[i] ^= 0x20
		return b
	}
	return map[string][]byte{
		"flip header":    flip(6),
		"flip middle":    flip(len(arc) / 2),
		"flip end":       flip(len(arc) - 3),
		"truncate half":  arc[:len(arc)/2],
		"truncate end":   arc[:len(arc)-1],
		"truncate start": arc[:3],
		"trailing junk":  append(bytes.Clone(arc), "junk"...),
	}
}

// TestDamaged checks that damage gives exit 3, a message naming the file,
// and no output file.
func TestDamaged(t *testing.T) {
	_, th := mnistIDX(t)
	dir := t.TempDir()
	put(t, filepath.Join(dir, "in"), th[:16+40*784])
	must(t, dir, nil, "compress", "--chunk", "10", "in")
	arc := get(t, filepath.Join(dir, "in.bbans"))
	for name, bad := range damaged(arc) {
		t.Run(name, func(t *testing.T) {
			d := t.TempDir()
			put(t, filepath.Join(d, "x.bbans"), bad)
			for _, cmd := range []string{"decompress", "test"} {
				r := bbans(t, d, nil, cmd, "x.bbans")
				if r.code != exitCorrupt {
					t.Fatalf("%s: %v", cmd, r)
				}
				if !bytes.HasPrefix(r.stderr, []byte("bbans: x.bbans: ")) {
					t.Errorf("%s: message does not name the file: %s", cmd, r.stderr)
				}
				if es := entries(t, d); len(es) != 1 {
					t.Fatalf("%s of a damaged archive left files: %v", cmd, es)
				}
			}
			if strings.HasPrefix(name, "truncate") {
				r := bbans(t, d, nil, "test", "x.bbans")
				if !bytes.Contains(r.stderr, []byte("truncated")) {
					t.Errorf("truncation not called one: %s", r.stderr)
				}
			}
			if r := bbans(t, d, bad, "decompress"); r.code != exitCorrupt {
				t.Errorf("decompress from a pipe: %v", r)
			}
		})
	}
}

// TestDamagedOffsets flips every byte of a small archive in turn: each
// must give exit 3 (never wrong output with success), and test and
// decompress must agree.
func TestDamagedOffsets(t *testing.T) {
	dir := t.TempDir()
	data := bytes.Repeat([]byte{0, 1, 1, 1, 0, 0, 1}, 300)
	arc := must(t, dir, data, "compress", "--chunk", "1").stdout
	for i := range arc {
		b := bytes.Clone(arc)
		b[i] ^= 1 << (i % 8)
		r := inProcess(b, false, "decompress")
		if r.code == exitOK && !bytes.Equal(r.stdout, data) {
			t.Fatalf("byte %d flipped: wrong output reported as success", i)
		}
		if r.code != exitCorrupt {
			t.Fatalf("byte %d flipped: %v", i, r)
		}
	}
}

// TestUsage checks that command-line mistakes give exit 2.
func TestUsage(t *testing.T) {
	dir := t.TempDir()
	put(t, filepath.Join(dir, "a"), []byte("a"))
	put(t, filepath.Join(dir, "b"), []byte("b"))
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"compress", "--no-such-flag", "a"},
		{"compress", "-T", "-1", "a"},
		{"compress", "-T", "x", "a"},
		{"compress", "-o", "ab", "a", "b"},
		{"compress", "--chunk", "0", "a"},
		{"compress", "--lanes", "2000", "a"},
		{"compress", "-m", "no-such-model", "a"},
		{"compress", "-k", "--rm", "a"},
		{"compress", "-c", "--rm", "a"},
		{"compress", "-", "-"},
		{"decompress", "--max-memory", "0", "a"},
		{"dataset", "mnist"},
		{"dataset", "cifar", "-o", "x"},
		{"dataset", "mnist", "--split", "val", "-o", "x"},
		{"eval", "--binarize", "sideways"},
		{"train", "--epochs", "0", "-o", "m.bbm"},
		{"train", "--lik", "poisson", "-o", "m.bbm"},
		{"models", "extra"},
	} {
		r := bbans(t, dir, nil, args...)
		if r.code != exitUsage {
			t.Errorf("bbans %s: %v, want exit %d", strings.Join(args, " "), r, exitUsage)
		}
		if !bytes.HasPrefix(r.stderr, []byte("bbans: ")) && len(args) > 0 {
			t.Errorf("bbans %s: message %q", strings.Join(args, " "), r.stderr)
		}
	}
	if es := entries(t, dir); len(es) != 2 {
		t.Errorf("usage errors left files: %v", es)
	}
	// -h is not an error.
	if r := bbans(t, dir, nil, "compress", "-h"); r.code != exitOK || !bytes.Contains(r.stdout, []byte("usage: bbans compress")) {
		t.Errorf("compress -h: %v", r)
	}
}

// TestRefusals covers the other refusals: a terminal as compressed output,
// an unknown suffix, a missing input, a directory.
func TestRefusals(t *testing.T) {
	if r := inProcess([]byte("x"), true, "compress"); r.code != exitUsage || !bytes.Contains(r.stderr, []byte("terminal")) {
		t.Errorf("compress to a terminal: %v", r)
	}
	if r := inProcess([]byte("x"), true, "compress", "-f"); r.code != exitOK {
		t.Errorf("compress -f to a terminal: %v", r)
	}
	var out, errb bytes.Buffer
	e := &env{stdin: bytes.NewReader(nil), stdout: &out, stderr: &errb, stdinIsTerminal: true}
	if code := run(e, []string{"decompress"}); code != exitUsage || !strings.Contains(errb.String(), "terminal") {
		t.Errorf("decompress from a terminal: exit %d, %s", code, errb.Bytes())
	}
	dir := t.TempDir()
	put(t, filepath.Join(dir, "plain"), []byte("x"))
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"decompress", "plain"}, "unknown suffix"},
		{[]string{"compress", "missing"}, "missing: no such file"},
		{[]string{"compress", "sub"}, "is a directory"},
		{[]string{"compress", "-o", "nodir/x.bbans", "plain"}, "writing nodir/x.bbans: no such file"},
	} {
		r := bbans(t, dir, nil, c.args...)
		if r.code != exitFailure || !bytes.Contains(r.stderr, []byte(c.msg)) {
			t.Errorf("bbans %s: %v, want exit 1 and %q", strings.Join(c.args, " "), r, c.msg)
		}
	}
	// One failing file does not stop the others; the exit code is the
	// worst.
	put(t, filepath.Join(dir, "bad.bbans"), []byte("not an archive"))
	put(t, filepath.Join(dir, "good"), []byte("fine"))
	must(t, dir, nil, "compress", "good")
	r := bbans(t, dir, nil, "test", "bad.bbans", "missing.bbans", "good.bbans")
	if r.code != exitCorrupt || bytes.Count(r.stderr, []byte("\n")) != 2 {
		t.Errorf("test of bad, missing and good archives: %v", r)
	}
}
