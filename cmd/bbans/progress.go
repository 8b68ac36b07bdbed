package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/bbans/bbans/format"
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
	width    func() int // the terminal's columns; nil or 0: 80
	coded    atomic.Pointer[follower]
	stop     chan struct{}
	wg       sync.WaitGroup
	drawn    bool
}

// progressDelay is how long a run goes before the bar appears, so that
// short runs print nothing that would flicker.
const progressDelay = 500 * time.Millisecond

// newProgress starts a bar on e's standard error if it is a terminal.
func newProgress(e *env, label string, total int64, totalRaw bool, recordSize int) *progress {
	p := &progress{w: e.stderr, label: label, total: total, totalRaw: totalRaw, start: time.Now(), width: e.stderrWidth}
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

// done stops the bar and clears its line, after a last draw of the final
// figures (100%, the summary's sizes), so that the bar never ends short.
func (p *progress) done() {
	if p.stop == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
	p.stop = nil
	if p.drawn {
		p.draw()
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// draw writes the bar: the label, the share done, the sizes from input to
// output, records, rate and bits/dim, cut to the terminal's width (the
// least useful figures go first).
func (p *progress) draw() {
	raw, packed := p.raw.Load(), p.packed.Load()
	done := packed // of the input, for the share: compressed bytes read
	if p.totalRaw {
		done = raw
	}
	total := p.total
	if f := p.coded.Load(); f != nil {
		// A consistent pair: raw bytes and the archive bytes that hold
		// them. Counted at the pipe ends, one side runs ahead of the other
		// by the chunks in flight (or read ahead), and bits/dim strays from
		// the summary's.
		raw, packed = f.sizes()
		done, total = raw, f.rawTotal
	}
	secs := time.Since(p.start).Seconds()
	type part struct {
		s    string
		keep int // parts with the lowest keep are dropped first
	}
	parts := []part{{p.label, 9}}
	frac := -1.0
	if total > 0 {
		frac = min(float64(done)/float64(total), 1)
		parts = append(parts, part{fmt.Sprintf("%3.0f%%", 100*frac), 8})
	}
	from, to := raw, packed
	if !p.totalRaw {
		from, to = packed, raw
	}
	parts = append(parts, part{humanBytes(from) + " -> " + humanBytes(to), 6})
	if rs := p.recordSize.Load(); rs > 0 {
		parts = append(parts, part{fmt.Sprintf("%d records", raw/rs), 2})
	}
	if secs > 0 {
		parts = append(parts, part{fmt.Sprintf("%.1f MB/s", float64(raw)/1e6/secs), 3})
	}
	if raw > 0 && packed > 0 {
		parts = append(parts, part{fmt.Sprintf("%.4f bits/dim", 8*float64(packed)/float64(raw)), 7})
	}
	width := 80
	if p.width != nil {
		if w := p.width(); w > 0 {
			width = w
		}
	}
	line := func() string {
		var ss []string
		for _, pt := range parts {
			ss = append(ss, pt.s)
		}
		return strings.Join(ss, "  ")
	}
	// One column short of the width: a line that fills it wraps on some
	// terminals.
	for utf8.RuneCountInString(line()) > width-1 && len(parts) > 1 {
		drop := 1
		for i := range parts[1:] {
			if parts[1+i].keep < parts[drop].keep {
				drop = 1 + i
			}
		}
		parts = append(parts[:drop], parts[drop+1:]...)
	}
	// The bar takes the room left, 5 to 20 columns, after the share.
	if room := width - 1 - utf8.RuneCountInString(line()) - 4; frac >= 0 && len(parts) > 1 && parts[1].keep == 8 && room >= 5 {
		n := min(room, 20)
		fill := int(frac * float64(n))
		bar := part{"[" + strings.Repeat("#", fill) + strings.Repeat(".", n-fill) + "]", 1}
		parts = append(parts[:2], append([]part{bar}, parts[2:]...)...)
	}
	s := line()
	if r := []rune(s); len(r) > width-1 {
		s = string(r[:max(width-1, 0)])
	}
	fmt.Fprint(p.w, "\r"+s+"\x1b[K")
	p.drawn = true
}

// follower gives the bar a consistent pair of sizes, and the raw total
// the share is of.
type follower struct {
	sizes    func() (raw, packed int64)
	rawTotal int64
}

// follow makes the bar show the pair of sizes f returns (stream.Writer's
// Progress) rather than the counts at the ends of the pipe.
func (p *progress) follow(f func() (raw, packed int64)) {
	p.coded.Store(&follower{f, p.total})
}

// followFrames makes a decompress bar show the content decoded against
// the whole content and the archive bytes that hold it, from the frame
// map of the archives in r (their indexes, or their frame headers),
// rather than the archive bytes read ahead. Without a map (damage, say)
// the bar counts at the pipe ends.
func (p *progress) followFrames(r io.ReaderAt, size int64) {
	ms, err := format.ReadMembers(r, size, format.Limits{}, 1<<20)
	if err != nil {
		return
	}
	var rawEnd, packedEnd []int64 // running sums, per data frame
	var raw int64
	for _, m := range ms {
		for _, f := range m.Frames {
			if f.DecodedLen > 0 {
				raw += f.DecodedLen
				rawEnd, packedEnd = append(rawEnd, raw), append(packedEnd, f.Offset+f.Len)
			}
		}
	}
	if raw == 0 {
		return
	}
	p.coded.Store(&follower{func() (int64, int64) {
		done := p.raw.Load()
		i, _ := slices.BinarySearch(rawEnd, done+1) // frames wholly written
		switch i {
		case 0:
			return done, 0
		case len(rawEnd):
			return raw, size // all of it, as the summary counts it
		}
		return rawEnd[i-1], packedEnd[i-1]
	}, raw})
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
