package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bbans/bbans/vae/dataset"
)

// TestMNISTWithoutGo runs `bbans dataset mnist` and `bbans eval` as a user
// with only the binary would: no go command on PATH and no Go
// environment. Without data it fails saying how to provide it; a module
// cache (GOMODCACHE), --mnist-dir or BBANS_MNIST each make it work.
func TestMNISTWithoutGo(t *testing.T) {
	dir, err := dataset.MNISTDir() // the test has the go command
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	cache := strings.TrimSpace(string(out))
	tmp := t.TempDir()
	run := func(env []string, args ...string) result {
		t.Helper()
		cmd := exec.Command(bbansBin, args...)
		cmd.Dir = tmp
		cmd.Env = append([]string{"PATH=" + filepath.Join(tmp, "nothing"), "HOME=" + tmp}, env...)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return result{o.Bytes(), e.Bytes(), code}
	}
	r := run(nil, "dataset", "mnist", "-n", "5", "-o", "none.idx")
	if msg := string(r.stderr); r.code == 0 || !strings.Contains(msg, "no go command") || !strings.Contains(msg, "BBANS_MNIST") || !strings.Contains(msg, "--mnist-dir") {
		t.Errorf("without data: %v", r)
	}
	want, err := dataset.LoadMNIST("test")
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		env  []string
		args []string
	}{
		"module cache": {[]string{"GOMODCACHE=" + cache}, nil},
		"--mnist-dir":  {nil, []string{"--mnist-dir", dir}},
		"BBANS_MNIST":  {[]string{"BBANS_MNIST=" + dir}, nil},
	} {
		file := filepath.Join(tmp, strings.Trim(name, "-")+".idx")
		r := run(c.env, append([]string{"dataset", "mnist", "-n", "5", "-o", file}, c.args...)...)
		if r.code != 0 {
			t.Errorf("%s: %v", name, r)
			continue
		}
		got, err := os.ReadFile(file)
		if err != nil || !bytes.Equal(got[16:], want.Data[:5*784]) {
			t.Errorf("%s: the file does not hold the first 5 test images (%v)", name, err)
		}
		if r := run(c.env, append([]string{"eval", "-m", "mnist-bin", "-n", "5"}, c.args...)...); r.code != 0 {
			t.Errorf("%s: eval: %v", name, r)
		}
	}
}
