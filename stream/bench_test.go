package stream

import (
	"fmt"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/bbans/bbans/vae/dataset"
)

// BenchmarkMNIST measures compression and decompression of 4,000 MNIST test
// images (threshold-binarized or 8-bit) with each built-in model on one
// goroutine (-T 1) and on two; MB/s counts raw input bytes, so T=2 over T=1
// is the parallel speed-up (4 chunks of 1,000 records).
func BenchmarkMNIST(b *testing.B) {
	test, err := dataset.LoadMNIST("test")
	if err != nil {
		b.Fatal(err)
	}
	sub := test.Slice(0, 4000)
	thr, _ := dataset.Binarize(sub, dataset.Threshold)
	for _, set := range []struct {
		name string
		data []byte
	}{{"mnist-bin-ar", thr.Data}, {"mnist-bin-cm", thr.Data}, {"mnist-bin", thr.Data}, {"mnist-cm", sub.Data}, {"mnist-ar", sub.Data}, {"mnist", sub.Data}} {
		model, err := Lookup(set.name)
		if err != nil {
			b.Fatal(err)
		}
		for _, conc := range []int{1, 2} {
			a, err := EncodeAll(set.data, nil, WithModel(model), WithEncoderConcurrency(conc))
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/T=%d/compress", set.name, conc), func(b *testing.B) {
				b.SetBytes(int64(len(set.data)))
				for b.Loop() {
					EncodeAll(set.data, nil, WithModel(model), WithEncoderConcurrency(conc))
				}
				b.ReportMetric(float64(8*len(a))/float64(len(set.data)), "bits/dim")
			})
			b.Run(fmt.Sprintf("%s/T=%d/decompress", set.name, conc), func(b *testing.B) {
				b.SetBytes(int64(len(set.data)))
				for b.Loop() {
					if _, err := DecodeAll(a, nil, WithDecoderConcurrency(conc)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkRandomVsZstd compresses 32 MB of random bytes with the default
// Writer (8-bit records, so the model is a candidate and the gate must
// turn it away) and with klauspost/compress's zstd at level 3
// (SpeedDefault, one goroutine), in the same iterations: "speed/zstd" is
// bbans's speed over zstd's, to be at least 0.5, and "growth" the archive's
// bytes over the input's. T=1 runs bbans on one goroutine like zstd; T=2
// on two.
func BenchmarkRandomVsZstd(b *testing.B) {
	data := randomBytes(32<<20, 12)
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(3)), zstd.WithEncoderConcurrency(1))
	if err != nil {
		b.Fatal(err)
	}
	for _, conc := range []int{1, 2} {
		b.Run(fmt.Sprintf("T=%d", conc), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			var tb, tz time.Duration
			var a []byte
			for b.Loop() {
				t0 := time.Now()
				a, err = EncodeAll(data, a[:0], WithEncoderConcurrency(conc))
				if err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				enc.EncodeAll(data, nil)
				tb, tz = tb+t1.Sub(t0), tz+time.Since(t1)
			}
			b.ReportMetric(float64(tz)/float64(tb), "speed/zstd")
			b.ReportMetric(float64(len(a))/float64(len(data)), "growth")
		})
	}
}
