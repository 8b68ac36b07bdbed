package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// progress draws a one-line progress bar on a terminal's standard error
// while a long run goes on: bytes done, records, rate and bits/dim so far.
// On anything but a terminal it only counts, and draws nothing.
//
// raw counts the uncompressed side and packed the compressed side, however
// the data flows; both are updated by the counting wrappers below from any
// goroutine.
type progress struct {
	raw, packed atomic.Int64
	// recordSize is the record size for the record count, 0 if unknown;
	// decompress learns it from the archive header.
	recordSize atomic.Int64

	w        io.Writer
	label    string
	total    int64 // bytes expected on the side counted by totalRaw; 0 if unknown
	totalRaw bool  // total is of raw bytes (compress) rather than packed (decompress)
	start    time.Time
	stop     chan struct{}
	wg       sync.WaitGroup
	drawn    bool
}

// progressDelay is how long a run goes before the bar appears, so that
// short runs print nothing that would flicker.
const progressDelay = 500 * time.Millisecond

// newProgress starts a bar on e's standard error if it is a terminal.
func newProgress(e *env, label string, total int64, totalRaw bool, recordSize int) *progress {
	p := &progress{w: e.stderr, label: label, total: total, totalRaw: totalRaw, start: time.Now()}
	p.recordSize.Store(int64(recordSize))
	if !e.stderrIsTerminal {
		return p
	}
	p.stop = make(chan struct{})
	p.wg.Add(1)
	go p.loop()
	return p
}

func (p *progress) loop() {
	defer p.wg.Done()
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			if time.Since(p.start) >= progressDelay {
				p.draw()
			}
		}
	}
}

// done stops the bar and clears its line.
func (p *progress) done() {
	if p.stop == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
	p.stop = nil
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func (p *progress) draw() {
	raw, packed := p.raw.Load(), p.packed.Load()
	secs := time.Since(p.start).Seconds()
	var b strings.Builder
	fmt.Fprintf(&b, "\r%s ", p.label)
	if p.total > 0 {
		n := packed
		if p.totalRaw {
			n = raw
		}
		frac := min(float64(n)/float64(p.total), 1)
		const width = 20
		fill := int(frac * width)
		fmt.Fprintf(&b, "%3.0f%% [%s%s] ", 100*frac, strings.Repeat("#", fill), strings.Repeat(".", width-fill))
	}
	fmt.Fprintf(&b, "%s -> %s", humanBytes(raw), humanBytes(packed))
	if rs := p.recordSize.Load(); rs > 0 {
		fmt.Fprintf(&b, "  %d records", raw/rs)
	}
	if secs > 0 {
		fmt.Fprintf(&b, "  %.1f MB/s", float64(raw)/1e6/secs)
	}
	if raw > 0 && packed > 0 {
		fmt.Fprintf(&b, "  %.4f bits/dim", 8*float64(packed)/float64(raw))
	}
	b.WriteString("\x1b[K")
	fmt.Fprint(p.w, b.String())
	p.drawn = true
}

// humanBytes formats n bytes with a decimal unit, as in "12.3 MB".
func humanBytes(n int64) string {
	switch {
	case n < 1e4:
		return fmt.Sprintf("%d B", n)
	case n < 1e6:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1e9:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}

// countingReader counts the bytes read through it into n.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n.Add(int64(k))
	return k, err
}

// countingWriter counts the bytes written through it into n.
type countingWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (c countingWriter) Write(p []byte) (int, error) {
	k, err := c.w.Write(p)
	c.n.Add(int64(k))
	return k, err
}
