package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startCompressing starts compress reading a pipe that stays open and writing
// into dir, and feeds it until its output file in dir (named or not) holds
// data: the run is then surely under way, and cannot finish on its own.
func startCompressing(t *testing.T, dir string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(bbansBin, "compress", "--chunk", "10", "-o", "out.bbans", "-")
	cmd.Dir = dir
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close() })
	chunk := randomBytes(784*10, 5)
	deadline := time.Now().Add(30 * time.Second)
	for !outputWithData(cmd.Process.Pid, dir) {
		if _, err := stdin.Write(chunk); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("no output in progress appeared")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return cmd, &stderr
}

// outputWithData reports whether process pid has a file in dir open that
// holds data, whether the file has a name or not (O_TMPFILE). It looks in
// /proc/PID/fd, so it needs Linux; elsewhere it falls back to named
// temporary files.
func outputWithData(pid int, dir string) bool {
	fds, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
	if err != nil {
		es, _ := os.ReadDir(dir)
		for _, e := range es {
			if fi, err := e.Info(); err == nil && strings.HasSuffix(e.Name(), ".tmp") && fi.Size() > 0 {
				return true
			}
		}
		return false
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		real = dir
	}
	for _, fd := range fds {
		p := filepath.Join("/proc", strconv.Itoa(pid), "fd", fd.Name())
		target, err := os.Readlink(p)
		if err != nil || !strings.HasPrefix(target, real+"/") {
			continue
		}
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
			return true
		}
	}
	return false
}

// TestKilled kills compress with SIGKILL, which no handler sees, while it
// writes its output: nothing may be left in the output's directory (issue:
// named temporary files survived kill -9).
func TestKilled(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc: unnamed output files are Linux only")
	}
	dir := t.TempDir()
	cmd, stderr := startCompressing(t, dir)
	cmd.Process.Signal(syscall.SIGKILL)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("after SIGKILL: %v, %s", err, stderr.Bytes())
	}
	if es := entries(t, dir); len(es) != 0 {
		t.Fatalf("a killed compress left files: %v", es)
	}
}
