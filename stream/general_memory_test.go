package stream

import (
	"bytes"
	"testing"

	"github.com/klauspost/compress/zstd"
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
