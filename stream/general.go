package stream

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"

	"github.com/bbans/bbans/format"
)

// The general-purpose codecs of Zstd and Brotli frames (SPEC.md section
// 4.4): what codes the chunks that no model fits. Zstandard
// (klauspost/compress) is fast at every setting; Brotli (andybalholm/brotli,
// a port of the reference encoder) is the one whose high qualities beat
// zstd -19 on text, which klauspost's strongest setting does not (it is
// about 8% larger on this project's own sources), so the default and higher
// levels use it.

// general is one setting of a general-purpose codec: which codec, at which
// level. The zero value means "none".
type general struct {
	typ    format.FrameType // format.Zstd or format.Brotli
	zstd   zstd.EncoderLevel
	brotli int // quality, 0..11
}

func (g general) String() string {
	switch g.typ {
	case format.Zstd:
		return "zstd " + g.zstd.String()
	case format.Brotli:
		return fmt.Sprintf("brotli q%d", g.brotli)
	}
	return "none"
}

// probe is the setting a writer tries first, on every chunk a stronger
// setting might code: it runs at about 1 GB/s on bytes it cannot shrink, so
// that random or compressed input costs little more than its copy.
var probe = general{typ: format.Zstd, zstd: zstd.SpeedFastest}

// generalEncoder holds one goroutine's encoders, made on first use, and
// buffers for their payloads (and the model's), reused from chunk to chunk.
type generalEncoder struct {
	zs map[zstdKey]*zstd.Encoder
	// One Brotli writer, for the last quality and window used: its state
	// is about 13 bytes per byte of window at qualities 10 and 11 (100 MiB
	// for an 8 MiB window), too much to keep one per window a Writer meets
	// (gathered frames, single chunks, the last frame); making one costs
	// little next to what it codes at those qualities.
	br    *brotli.Writer
	brKey [2]int
	out   appendWriter // where br writes

	// most is the longest input the level's codec is given (the Writer's
	// largest frame), probeMost the longest the probe is given when it is
	// not also the level's codec (a chunk, or the whole of a frame it
	// samples): they bound the zstd windows (zstdWindow).
	most, probeMost int

	pbuf, gbuf, mbuf []byte // the probe's, the level codec's and the model's payloads
}

// zstdKey names a zstd encoder: its level and window.
type zstdKey struct {
	level  zstd.EncoderLevel
	window int
}

// zstdWindow is the window of a zstd encoder at level l whose inputs are at
// most most bytes: the level's own (klauspost/compress: 4 MiB at
// SpeedFastest, 8 MiB above), or the smallest power of two that holds every
// input if that is smaller. An encoder keeps a history of twice its window
// (16 MiB at 8 MiB) whatever its input, so a window beyond the input is
// memory for nothing; since no match reaches beyond the input, the payloads
// are the same (TestZstdWindowSameBytes).
func zstdWindow(l zstd.EncoderLevel, most int) int {
	w := 8 << 20
	if l == zstd.SpeedFastest {
		w = 4 << 20
	}
	if most > 0 {
		w = min(w, max(zstd.MinWindowSize, 1<<bits.Len(uint(most-1))))
	}
	return w
}

// encode codes src with setting g into *buf (reused: the result is valid
// until the next call with the same buffer) and returns the payload.
func (e *generalEncoder) encode(buf *[]byte, g general, src []byte) []byte {
	p := e.appendCoded((*buf)[:0], g, src)
	*buf = p[:0]
	return p
}

// appendCoded appends to dst the payload coding src with setting g.
func (e *generalEncoder) appendCoded(dst []byte, g general, src []byte) []byte {
	switch g.typ {
	case format.Zstd:
		if e.zs == nil {
			e.zs = map[zstdKey]*zstd.Encoder{}
		}
		most := e.most
		if g == probe && e.probeMost > 0 {
			most = e.probeMost
		}
		key := zstdKey{g.zstd, zstdWindow(g.zstd, max(most, len(src)))}
		z := e.zs[key]
		if z == nil {
			// No content checksum: the frame's CRC-32C covers the content.
			// One goroutine per encoder: the output must not depend on
			// scheduling.
			var err error
			z, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(g.zstd), zstd.WithWindowSize(key.window), zstd.WithEncoderConcurrency(1),
				zstd.WithEncoderCRC(false), zstd.WithZeroFrames(true), zstd.WithSingleSegment(true))
			if err != nil {
				panic(err) // constant, valid options
			}
			e.zs[key] = z
		}
		return z.EncodeAll(src, dst)
	case format.Brotli:
		// The window is the smallest that covers src (a reader refuses a
		// larger one).
		key := [2]int{g.brotli, brotliWindow(len(src))}
		e.out.b = dst
		if e.br == nil || e.brKey != key {
			e.br, e.brKey = nil, key // the old state is garbage before the new one is made
			e.br = brotli.NewWriterOptions(&e.out, brotli.WriterOptions{Quality: key[0], LGWin: key[1]})
		} else {
			e.br.Reset(&e.out)
		}
		e.br.Write(src) // writes to an appendWriter do not fail
		e.br.Close()
		dst = e.out.b
		e.out.b = nil
		return dst
	}
	panic("stream: no general codec")
}

// brotliWindow is the window a writer uses for n bytes: the smallest that
// reaches back over all of them, within Brotli's 2^10..2^24. A reader
// refuses a stream with a larger window, so that a frame's decoder memory
// is bounded by about twice its decoded length.
func brotliWindow(n int) int { return min(max(bits.Len(uint(n)), 10), 24) }

// brotliWindowBits reads the window size (WBITS) from the first bits of a
// Brotli stream, RFC 7932 section 9.1; 0 for the large-window extension
// (RFC 9841) and for an empty payload, which a reader refuses.
func brotliWindowBits(p []byte) int {
	if len(p) == 0 {
		return 0
	}
	b := uint(p[0])
	if len(p) > 1 {
		b |= uint(p[1]) << 8
	}
	switch {
	case b&1 == 0:
		return 16
	case (b>>1)&7 != 0:
		return 17 + int((b>>1)&7)
	case (b>>4)&7 == 1:
		return 0 // large window
	case (b>>4)&7 != 0:
		return 8 + int((b>>4)&7)
	}
	return 17
}

// zstdDecoder is the decoder all Readers share: DecodeAll is safe for
// concurrent use. Its own limits are the largest a frame may have (the
// 64 MiB chunk bound, rounded up to a window size); decodeGeneral holds each
// frame to its decoded length before it decodes, and the capacity limit
// keeps the output within it.
var zstdDecoder = sync.OnceValue(func() *zstd.Decoder {
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(2*maxChunkBytes),
		zstd.WithDecoderMaxWindow(2*maxChunkBytes), zstd.WithDecodeAllCapLimit(true))
	if err != nil {
		panic(err) // constant, valid options
	}
	return d
})

// decodeGeneral decodes the payload of a Zstd or Brotli frame into out,
// which has the frame's decoded length. It refuses, before decoding, a
// payload whose header claims another length (Zstd) or a larger window
// than the length needs; the decoders are then bounded by out's length,
// so a hostile frame costs no more memory than an honest one of its size.
func decodeGeneral(t format.FrameType, out, payload []byte) error {
	n := len(out)
	switch t {
	case format.Zstd:
		var h zstd.Header
		if err := h.Decode(payload); err != nil {
			return fmt.Errorf("zstd frame header: %w", err)
		}
		if h.Skippable || !h.HasFCS || h.FrameContentSize != uint64(n) || h.DictionaryID != 0 {
			return fmt.Errorf("zstd frame header claims %d bytes (known %v, dictionary %d), want %d", h.FrameContentSize, h.HasFCS, h.DictionaryID, n)
		}
		if window := uint64(max(1<<bits.Len(uint(n)), zstd.MinWindowSize)); h.WindowSize > window {
			return fmt.Errorf("zstd frame with a window of %d bytes for %d bytes (at most %d)", h.WindowSize, n, window)
		}
		d := zstdDecoder()
		got, err := d.DecodeAll(payload, out[:0])
		if err != nil {
			return err
		}
		if len(got) != n || (n > 0 && &got[0] != &out[0]) {
			return fmt.Errorf("zstd payload decodes to %d bytes, want %d", len(got), n)
		}
		return nil
	case format.Brotli:
		wb := brotliWindowBits(payload)
		if wb == 0 || wb > brotliWindow(n) {
			return fmt.Errorf("brotli stream with a window of 2^%d bytes for %d bytes (at most 2^%d)", wb, n, brotliWindow(n))
		}
		r := brotli.NewReader(bytes.NewReader(payload))
		if _, err := io.ReadFull(r, out); err != nil {
			return fmt.Errorf("brotli payload: %w", err)
		}
		var one [1]byte
		if m, err := r.Read(one[:]); m != 0 || err != io.EOF {
			if err == nil || err == io.EOF {
				err = errors.New("more content than the frame holds")
			}
			return fmt.Errorf("brotli payload: %w", err)
		}
		return nil
	}
	return fmt.Errorf("frame type %v has no general codec", t)
}
