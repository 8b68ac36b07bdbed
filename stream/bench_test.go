package stream

import (
	"fmt"
	"testing"

	"github.com/bbans/bbans/vae"
)

// BenchmarkMNIST measures compression and decompression of 2,000 MNIST test
// images with the built-in models on one goroutine (-T 1) and on two; MB/s
// counts raw input bytes. Run with -cpu 1,2 to compare.
func BenchmarkMNIST(b *testing.B) {
	test, err := vae.LoadMNIST("test")
	if err != nil {
		b.Fatal(err)
	}
	sub := test.Slice(0, 2000)
	thr, _ := vae.Binarize(sub, vae.Threshold)
	for _, set := range []struct {
		name string
		data []byte
	}{{"mnist-bin", thr.Data}, {"mnist", sub.Data}} {
		for _, conc := range []int{1, 2} {
			a, err := EncodeAll(set.data, nil, WithEncoderConcurrency(conc))
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/T=%d/compress", set.name, conc), func(b *testing.B) {
				b.SetBytes(int64(len(set.data)))
				for b.Loop() {
					EncodeAll(set.data, nil, WithEncoderConcurrency(conc))
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
