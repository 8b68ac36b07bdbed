package stream_test

import (
	"fmt"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/bbans/bbans/internal/bench"
	"github.com/bbans/bbans/stream"
)

// BenchmarkTextLevels compresses the bench's text set (this project's
// sources, README and SPEC) at the levels where the general codec changes,
// on one goroutine, beside klauspost/compress's zstd at the matching
// setting: MB/s of each and "ratio", the archive's size over zstd's.
func BenchmarkTextLevels(b *testing.B) {
	sets, err := bench.LoadTextSets([]string{"text"})
	if err != nil {
		b.Fatal(err)
	}
	text := sets[0].Data
	for _, n := range []int{1, 3, 6, 10, 12, 13, 17} {
		var z int
		b.Run(fmt.Sprintf("zstd/level=%d", n), func(b *testing.B) {
			e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(n)), zstd.WithEncoderConcurrency(1))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				z = len(e.EncodeAll(text, nil))
			}
		})
		b.Run(fmt.Sprintf("bbans/level=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			var a []byte
			for b.Loop() {
				a, err = stream.EncodeAll(text, a[:0], stream.WithEncoderLevel(n), stream.WithEncoderConcurrency(1))
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(a))/float64(z), "ratio")
		})
	}
}
