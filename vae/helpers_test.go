package vae

import (
	"math"
	"sync"
	"testing"

	"github.com/bbans/bbans/ans"
)

// mnistOrSkip loads an MNIST split, skipping the test if the GoMNIST
// module is not available.
func mnistOrSkip(t testing.TB, split string) *Dataset {
	t.Helper()
	d, err := LoadMNIST(split)
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	return d
}

var tinyModels sync.Map // string -> *tinyEntry

type tinyEntry struct {
	once sync.Once
	f    *FloatModel
	m    *Model
	err  error
}

// tinyModel trains (once per test binary) a small model on 500 MNIST
// training images for two epochs and quantises it.
func tinyModel(t testing.TB, lik Likelihood, K int) (*FloatModel, *Model) {
	t.Helper()
	train := mnistOrSkip(t, "train")
	key := lik.String() + string(rune('0'+K))
	e, _ := tinyModels.LoadOrStore(key, &tinyEntry{})
	te := e.(*tinyEntry)
	te.once.Do(func() {
		a := Arch{RecordSize: 784, Likelihood: lik, Components: K, EncHidden: []int{32}, Latent: 8, DecHidden: []int{32}}
		d := train.Slice(0, 500)
		b := None
		if lik.Binary() {
			b = Threshold
		}
		te.f, te.err = Train(TrainConfig{Arch: a, Epochs: 2, BatchSize: 50, Seed: 7, Binarization: b}, d, nil)
		if te.err != nil {
			return
		}
		cal := d
		if lik.Binary() {
			cal, _ = Binarize(d, Threshold)
		}
		te.m, te.err = Quantize(te.f, QuantizeConfig{Calibration: cal, Description: "tiny test model"})
	})
	if te.err != nil {
		t.Fatal(te.err)
	}
	return te.f, te.m
}

// testImages returns the first n MNIST test images, binarized by
// threshold for a Bernoulli model.
func testImages(t testing.TB, m *Model, n int) *Dataset {
	t.Helper()
	d := mnistOrSkip(t, "test").Slice(0, n)
	if m.Arch.Likelihood.Binary() {
		d, _ = Binarize(d, Threshold)
	}
	return d
}

// seededMessage returns a one-lane message holding n random 16-bit
// symbols, so that the bits a coder gets back are real ones.
func seededMessage(n int) *ans.Message {
	msg := ans.NewMessage(1)
	g := SplitMix64{State: 9}
	for range n {
		msg.Push(0, uint32(g.Next()>>48), 1, 16)
	}
	return msg
}

// latentBits returns the net cost in bits of latent lat for rec, -log2
// p(y) + log2 q(y|s) from the integer model's frequencies, and leaves w's
// slot 0 decoded at lat, ready for the likelihood's cost.
func latentBits(m *Model, w *worker, rec []byte, lat []int32) float64 {
	w.setRecord(0, rec)
	w.encode(1)
	bits := float64(m.BucketBits) * float64(m.LatentSize())
	for j, b := range lat {
		_, f := m.buckets.Interval(b, w.mu[j], w.sigma[j])
		bits += math.Log2(float64(f)) - float64(m.PosteriorPrec)
	}
	w.setLatent(0, lat)
	w.decode(1)
	return bits
}

// likBits returns -log2 p(rec|y) from the likelihood's frequencies for
// w's slot 0 (decoded by latentBits).
func likBits(w *worker, rec []byte) float64 {
	var bits float64
	w.lik.Cost(0, rec, func(f uint32, prec uint) { bits += float64(prec) - math.Log2(float64(f)) })
	return bits
}
