package stream

import (
	"fmt"
	"testing"

	"github.com/bbans/bbans/vae/dataset"
)

// BenchmarkMNISTBinarized measures compression and decompression of 4,000
// MNIST test images binarized both ways (threshold and sampled) with each
// built-in binarized model that has a context-mixing or autoregressive
// likelihood, on one goroutine (-T 1), so that one run gives the models'
// speeds as ratios on the same records. Unlike BenchmarkMNIST it codes
// only the archives of the cases it runs, so a -bench filter makes a
// short profile.
func BenchmarkMNISTBinarized(b *testing.B) {
	test, err := dataset.LoadMNIST("test")
	if err != nil {
		b.Fatal(err)
	}
	sub := test.Slice(0, 4000)
	thr, _ := dataset.Binarize(sub, dataset.Threshold)
	sets := []struct {
		name string
		data []byte
	}{{"threshold", thr.Data}, {"sampled", dataset.Sample(sub, 1).Data}}
	for _, name := range []string{"mnist-bin-ar", "mnist-bin-cm"} {
		model, err := Lookup(name)
		if err != nil {
			b.Fatal(err)
		}
		for _, set := range sets {
			var a []byte
			b.Run(fmt.Sprintf("%s/%s/compress", name, set.name), func(b *testing.B) {
				b.SetBytes(int64(len(set.data)))
				for b.Loop() {
					if a, err = EncodeAll(set.data, a[:0], WithModel(model), WithEncoderConcurrency(1)); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(8*len(a))/float64(len(set.data)), "bits/dim")
			})
			b.Run(fmt.Sprintf("%s/%s/decompress", name, set.name), func(b *testing.B) {
				if a == nil {
					if a, err = EncodeAll(set.data, nil, WithModel(model), WithEncoderConcurrency(1)); err != nil {
						b.Fatal(err)
					}
				}
				b.SetBytes(int64(len(set.data)))
				for b.Loop() {
					if _, err := DecodeAll(a, nil, WithDecoderConcurrency(1)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
