package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestProgressLine checks what the bar shows, by drawing it directly (no
// terminal, no timing).
func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&env{stderr: &buf}, "t10k", 7840016, true, 784)
	p.raw.Store(3920008)
	p.packed.Store(98000)
	p.draw()
	line := buf.String()
	for _, want := range []string{"\rt10k ", " 50% [##########..........]", "3.9 MB -> 98.0 kB", "5000 records", "MB/s", "0.2000 bits/dim", "\x1b[K"} {
		if !strings.Contains(line, want) {
			t.Errorf("progress line %q lacks %q", line, want)
		}
	}
	p.done() // not a terminal: nothing was started, nothing to clear
}

// TestProgressSilent checks that nothing is drawn when standard error is
// not a terminal, and that a terminal gets a summary line.
func TestProgressSilent(t *testing.T) {
	data := bytes.Repeat([]byte{0, 1}, 784*20)
	r := inProcess(data, false, "compress")
	if r.code != exitOK || len(r.stderr) != 0 {
		t.Fatalf("compress to a pipe wrote to stderr: %v", r)
	}
	var out, errb bytes.Buffer
	e := &env{stdin: bytes.NewReader(data), stdout: &out, stderr: &errb, stderrIsTerminal: true}
	if code := run(e, []string{"compress"}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.Bytes())
	}
	s := errb.String()
	if !strings.HasPrefix(s, "(stdin) -> (stdout): 31360 -> ") || !strings.Contains(s, "bits/dim") || !strings.HasSuffix(s, " MB/s\n") {
		t.Errorf("summary on a terminal: %q", s)
	}
}
