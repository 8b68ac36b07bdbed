package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/bbans/bbans/stream"
)

// TestProgressLine checks what the bar shows, by drawing it directly (no
// terminal, no timing).
func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	wide := func() int { return 120 }
	p := newProgress(&env{stderr: &buf, stderrWidth: wide}, "t10k", 7840016, true, 784)
	p.raw.Store(3920008)
	p.packed.Store(98000)
	p.draw()
	line := buf.String()
	for _, want := range []string{"\rt10k ", " 50%  [##########..........]", "3.9 MB -> 98.0 kB", "5000 records", "MB/s", "0.2000 bits/dim", "\x1b[K"} {
		if !strings.Contains(line, want) {
			t.Errorf("progress line %q lacks %q", line, want)
		}
	}
	p.done() // not a terminal: nothing was started, nothing to clear

	// Decompressing, the sizes go from the archive to the content, as in
	// the summary; the share is of the archive read.
	buf.Reset()
	p = newProgress(&env{stderr: &buf, stderrWidth: wide}, "t10k.bbans", 196000, false, 784)
	p.raw.Store(3920008)
	p.packed.Store(98000)
	p.draw()
	if line := buf.String(); !strings.Contains(line, " 50%  [") || !strings.Contains(line, "98.0 kB -> 3.9 MB") {
		t.Errorf("decompress progress line %q", line)
	}

	// Compressing, the figures are the writer's pair, not the bytes read.
	buf.Reset()
	p = newProgress(&env{stderr: &buf, stderrWidth: wide}, "t10k", 7840016, true, 784)
	p.raw.Store(7840016) // all read, half of it coded
	p.follow(func() (int64, int64) { return 3920008, 490001 })
	p.draw()
	if line := buf.String(); !strings.Contains(line, " 50%  [") || !strings.Contains(line, "3.9 MB -> 490.0 kB") || !strings.Contains(line, "1.0000 bits/dim") {
		t.Errorf("compress progress line %q", line)
	}
}

// TestProgressWidth checks that the bar fits narrow terminals, dropping
// the least useful figures first.
func TestProgressWidth(t *testing.T) {
	for _, cols := range []int{100, 80, 60, 40, 20, 5} {
		var buf bytes.Buffer
		p := newProgress(&env{stderr: &buf, stderrWidth: func() int { return cols }}, "some/long/path/t10k-images.idx", 7840016, true, 784)
		p.raw.Store(3920008)
		p.packed.Store(98000)
		p.draw()
		line := strings.TrimSuffix(strings.TrimPrefix(buf.String(), "\r"), "\x1b[K")
		if n := utf8.RuneCountInString(line); n > cols-1 {
			t.Errorf("%d columns: line of %d: %q", cols, n, line)
		}
		if cols >= 60 && (!strings.Contains(line, "50%") || !strings.Contains(line, "bits/dim")) {
			t.Errorf("%d columns: %q lacks the share or bits/dim", cols, line)
		}
	}
}

// TestProgressSilent checks that nothing is drawn when standard error is
// not a terminal, and that a terminal gets a summary line.
func TestProgressSilent(t *testing.T) {
	_, th := mnistIDX(t)
	data := th[16 : 16+40*784] // images the model codes: no warning either
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

// TestProgressEnd: when the bar was drawn, done draws the final figures
// (100%, the summary's sizes) before clearing the line, so the bar never
// ends short, as it did on concatenated archives.
func TestProgressEnd(t *testing.T) {
	var buf syncBuffer
	e := &env{stderr: &buf, stderrIsTerminal: true, stderrWidth: func() int { return 120 }}
	p := newProgress(e, "two.bbans", 2000, false, 784)
	p.packed.Store(700)
	p.raw.Store(7840)
	p.draw() // as the ticker would, mid-way
	p.packed.Store(2000)
	p.raw.Store(15680)
	p.done()
	segs := strings.Split(buf.String(), "\r")
	if len(segs) < 3 || segs[len(segs)-1] != "\x1b[K" {
		t.Fatalf("bar output %q: want draws, then a cleared line", buf.String())
	}
	if last := segs[len(segs)-2]; !strings.Contains(last, "100%") || !strings.Contains(last, "2000 B -> 15.7 kB") || !strings.Contains(last, "20 records") {
		t.Errorf("last bar %q, want 100%%, 2000 B -> 15.7 kB, 20 records", last)
	}
}

// syncBuffer is a bytes.Buffer safe for the bar's goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestProgressFrames: a decompress bar follows the frame map of the
// archives (here two concatenated ones): the share is of the content, and
// the archive bytes shown are those of the frames decoded, so bits/dim is
// that of the summary at the end, not of bytes read ahead.
func TestProgressFrames(t *testing.T) {
	data := bytes.Repeat([]byte("text that no model codes, stored or tailed. "), 100)
	one, err := stream.EncodeAll(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	two := append(bytes.Clone(one), one...)
	var buf bytes.Buffer
	p := newProgress(&env{stderr: &buf, stderrWidth: func() int { return 200 }}, "two.bbans", int64(len(two)), false, 0)
	p.followFrames(bytes.NewReader(two), int64(len(two)))
	if p.coded.Load() == nil {
		t.Fatal("no frame map for two archives")
	}
	for _, c := range []struct {
		raw  int64
		want string
	}{
		{0, "  0%"},
		{int64(len(data)), " 50%"},
		{int64(2 * len(data)), fmt.Sprintf("]  %s -> %s  ", humanBytes(int64(len(two))), humanBytes(int64(2*len(data))))},
	} {
		buf.Reset()
		p.raw.Store(c.raw)
		p.packed.Store(int64(len(two))) // all read ahead
		p.draw()
		if !strings.Contains(buf.String(), c.want) || (c.raw == int64(2*len(data))) != strings.Contains(buf.String(), "100%") {
			t.Errorf("%d bytes decoded: bar %q lacks %q", c.raw, buf.String(), c.want)
		}
	}
}
