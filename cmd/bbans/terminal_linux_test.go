package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
	"unsafe"
)

// openPTY opens a pseudo-terminal of cols columns: the master end, which
// the test reads, and the slave end, a terminal for the command.
func openPTY(t *testing.T, cols int) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	ioctl := func(f *os.File, req uintptr, arg unsafe.Pointer) {
		if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), req, uintptr(arg)); errno != 0 {
			t.Fatalf("ioctl %#x: %v", req, errno)
		}
	}
	var unlock int32
	ioctl(m, syscall.TIOCSPTLCK, unsafe.Pointer(&unlock))
	var n uint32
	ioctl(m, syscall.TIOCGPTN, unsafe.Pointer(&n))
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	ws := struct{ rows, cols, x, y uint16 }{24, uint16(cols), 0, 0}
	ioctl(s, syscall.TIOCSWINSZ, unsafe.Pointer(&ws))
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// onTerminal runs the binary with the files given (nil: a pipe or
// nothing) and returns what the terminal showed, its standard output if
// that was not the terminal, and the exit code. A command that waits for
// the terminal fails the test instead of hanging it.
func onTerminal(t *testing.T, dir string, cols int, stdin io.Reader, ttyIn, ttyOut, ttyErr bool, args ...string) (shown, stdout string, code int) {
	t.Helper()
	master, slave := openPTY(t, cols)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bbansBin, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &out, &out
	if ttyIn {
		cmd.Stdin = slave
	}
	if ttyOut {
		cmd.Stdout = slave
	}
	if ttyErr {
		cmd.Stderr = slave
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close() // the master reads EOF (EIO) once the command has exited
	var screen bytes.Buffer
	copied := make(chan struct{})
	go func() { io.Copy(&screen, master); close(copied) }()
	err := cmd.Wait()
	<-copied
	if ctx.Err() != nil {
		t.Fatalf("bbans %s waited for the terminal", strings.Join(args, " "))
	}
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(screen.String(), "\r\n", "\n"), out.String(), code
}

// TestStdinTerminal: compress refuses to wait for data typed at a
// terminal, as zstd does ("stdin is a console, aborting").
func TestStdinTerminal(t *testing.T) {
	for _, args := range [][]string{{"compress"}, {"-c"}, {"-z", "-"}} {
		shown, out, code := onTerminal(t, t.TempDir(), 80, nil, true, false, false, args...)
		if code != exitUsage || !strings.Contains(out, "standard input is a terminal, aborting") {
			t.Errorf("bbans %s on a terminal: exit %d, %q %q", strings.Join(args, " "), code, out, shown)
		}
	}
}

// TestSummaryOwnLine: when the output and the summary share a terminal,
// the summary starts a line of its own.
func TestSummaryOwnLine(t *testing.T) {
	dir := t.TempDir()
	put(t, filepath.Join(dir, "a"), []byte("no newline at the end"))
	must(t, dir, nil, "compress", "a")
	shown, _, code := onTerminal(t, dir, 80, nil, false, true, true, "decompress", "-c", "a.bbans")
	if code != 0 || !strings.HasPrefix(shown, "no newline at the end\na.bbans -> (stdout): ") {
		t.Errorf("exit %d, terminal shows %q", code, shown)
	}
}

// TestProgressNarrowTerminal: under `stty cols 60` no drawn bar is wider
// than 59 columns. The input comes slowly through a pipe, so that the bar
// appears (after half a second).
func TestProgressNarrowTerminal(t *testing.T) {
	pr, pw := io.Pipe()
	go func() {
		rec := bytes.Repeat([]byte{0, 1, 1, 0}, 196)
		for range 15 {
			for range 20 {
				pw.Write(rec)
			}
			time.Sleep(100 * time.Millisecond)
		}
		pw.Close()
	}()
	shown, _, code := onTerminal(t, t.TempDir(), 60, pr, false, false, true, "compress", "-T1", "-o", "out.bbans")
	if code != 0 {
		t.Fatalf("exit %d: %q", code, shown)
	}
	bars := 0
	for _, seg := range strings.Split(shown, "\r") {
		seg = strings.TrimSuffix(strings.TrimSuffix(seg, "\n"), "\x1b[K")
		if strings.Contains(seg, "(stdin) -> out.bbans") || strings.Contains(seg, "warning:") {
			continue // the summary and a warning, on lines of their own, may be longer
		}
		if strings.Contains(seg, "->") {
			bars++
		}
		if n := utf8.RuneCountInString(seg); n > 59 {
			t.Errorf("a bar of %d columns under 60: %q", n, seg)
		}
	}
	if bars == 0 {
		t.Errorf("no bar drawn in %q", shown)
	}
}
