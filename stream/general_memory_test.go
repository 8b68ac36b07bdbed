package stream

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/bbans/bbans/format"
)

// TestZstdWindowSameBytes checks what zstdWindow relies on: a zstd encoder
// whose window is cut to the smallest power of two holding its input codes
// the same bytes as one with the level's own window, at every setting a
// level uses, for inputs up to the cut window and the shorter ones a
// Writer also gives it (gate samples, probe pieces).
func TestZstdWindowSameBytes(t *testing.T) {
	for _, l := range []zstd.EncoderLevel{zstd.SpeedFastest, zstd.SpeedDefault, zstd.SpeedBetterCompression, zstd.SpeedBestCompression} {
		for _, most := range []int{1000, 100 << 10, 627200} {
			w := zstdWindow(l, most)
			if w >= most*2 || w < most {
				t.Fatalf("zstdWindow(%v, %d) = %d", l, most, w)
			}
			opts := []zstd.EOption{zstd.WithEncoderLevel(l), zstd.WithEncoderConcurrency(1), zstd.WithEncoderCRC(false), zstd.WithZeroFrames(true), zstd.WithSingleSegment(true)}
			full, err := zstd.NewWriter(nil, opts...)
			if err != nil {
				t.Fatal(err)
			}
			cut, err := zstd.NewWriter(nil, append(opts, zstd.WithWindowSize(w))...)
			if err != nil {
				t.Fatal(err)
			}
			text := pseudoText(most, uint64(most))
			for _, src := range [][]byte{text, text[:most/3], randomBytes(most/2, 5), append(bytes.Repeat([]byte{0}, most/2), text[:most/2]...)} {
				if a, b := full.EncodeAll(src, nil), cut.EncodeAll(src, nil); !bytes.Equal(a, b) {
					t.Errorf("%v, %d bytes of %d: a window of %d gives %d bytes, the level's own %d", l, len(src), most, w, len(b), len(a))
				}
			}
		}
	}
}

// TestZstdWindowDefault checks that zstdWindow keeps the level's own window
// when the inputs are longer (the payloads of large frames do not change).
func TestZstdWindowDefault(t *testing.T) {
	for _, c := range []struct {
		l    zstd.EncoderLevel
		most int
		want int
	}{{zstd.SpeedFastest, 64 << 20, 4 << 20}, {zstd.SpeedDefault, 6272000, 8 << 20}, {zstd.SpeedBestCompression, 0, 8 << 20}, {zstd.SpeedFastest, 10, zstd.MinWindowSize}} {
		if got := zstdWindow(c.l, c.most); got != c.want {
			t.Errorf("zstdWindow(%v, %d) = %d, want %d", c.l, c.most, got, c.want)
		}
	}
}

// codecState is the bound Writer's doc states for the memory one encoder
// of setting g uses while it codes frames of at most frame bytes (what it
// keeps and what it allocates while it codes): a zstd encoder keeps a
// history of twice its window W (at least 1 MiB) and tables of a size fixed
// by the level; a Brotli encoder needs about 5 (quality 9, besides 35 MiB
// of tables) or 14 (qualities 10 and 11, besides 16 MiB) bytes per byte of
// its window (2^brotliWindow).
func codecState(g general, frame int) int64 {
	const mib = 1 << 20
	switch g.typ {
	case format.Zstd:
		hist := max(2*int64(zstdWindow(g.zstd, frame)), mib)
		switch g.zstd {
		case zstd.SpeedFastest:
			return hist + 3*mib/2
		case zstd.SpeedDefault:
			return hist + 3*mib
		case zstd.SpeedBetterCompression:
			return hist + 11*mib/2
		}
		return hist + 36*mib
	case format.Brotli:
		w := int64(1) << brotliWindow(frame)
		if g.brotli <= 9 {
			return 5*w + 35*mib
		}
		return 14*w + 16*mib
	}
	return 0
}

// TestCodecState measures the most live heap a general encoder uses while
// it codes a frame (what it allocates and keeps), for the setting of every
// level, against codecState (the figure the Writer's doc gives per
// thread): zstd on frames of 8 gathered 100-record MNIST chunks and of one
// 1000-record chunk, Brotli (under 1 MB/s at qualities 10 and 11) on 160
// KB. Larger windows are measured by BenchmarkCodecState.
func TestCodecState(t *testing.T) {
	if testing.Short() {
		t.Skip("codes about 11 MB with zstd, 1 MB with Brotli")
	}
	skipForcedSIMD(t)
	seen := map[general]bool{}
	for n := MinLevel; n <= MaxLevel; n++ {
		g := levelOf(n).general
		if seen[g] {
			continue
		}
		seen[g] = true
		frames := []int{format.GeneralChunks * 100 * 784, 784000}
		if g.typ == format.Brotli {
			frames = []int{160000}
		}
		for _, frame := range frames {
			used := encoderPeak(g, frame, 2)
			bound := codecState(g, frame)
			t.Logf("%v, %d-byte frame: %.1f MiB, bound %.1f MiB", g, frame, float64(used)/(1<<20), float64(bound)/(1<<20))
			if used > bound {
				t.Errorf("%v, %d-byte frame: the encoder keeps %d bytes, the documented bound is %d", g, frame, used, bound)
			}
		}
	}
}

// encoderPeak is the most live heap a new encoder of setting g uses while
// it codes frame bytes of text, the least of runs runs, its payload not
// counted: the payload
// buffer is made before, of the frame's size, as a Writer's is once it
// has coded a frame (the Writer's bound counts it as a frame).
func encoderPeak(g general, frame, runs int) int64 {
	src := pseudoText(frame, uint64(frame))
	buf := make([]byte, 0, frame)
	used := minPeakHeap(runs, func() {
		e := generalEncoder{most: frame}
		b := buf
		e.encode(&b, g, src)
	})
	runtime.KeepAlive(buf)
	return int64(used)
}

// BenchmarkCodecState reports what TestCodecState measures, for frames up
// to the 6.3 MB of 8 gathered MNIST chunks of 1000 records: MiB used and
// the fraction of codecState's bound. It measures, it does not time: run
// it with -benchtime 1x, e.g.
//
//	go test -run '^$' -bench 'BenchmarkCodecState' -benchtime 1x ./stream
func BenchmarkCodecState(b *testing.B) {
	seen := map[general]bool{}
	for n := MinLevel; n <= MaxLevel; n++ {
		g := levelOf(n).general
		if seen[g] {
			continue
		}
		seen[g] = true
		for _, frame := range []int{160000, 784000, 3136000, format.GeneralChunks * 784000} {
			b.Run(fmt.Sprintf("%v/frame=%d", g, frame), func(b *testing.B) {
				used := encoderPeak(g, frame, 1)
				b.ReportMetric(float64(used)/(1<<20), "MiB")
				b.ReportMetric(float64(used)/float64(codecState(g, frame)), "of-bound")
			})
		}
	}
}
