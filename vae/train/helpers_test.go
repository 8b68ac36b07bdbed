package train

import (
	"sync"
	"testing"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

// mnistOrSkip loads an MNIST split, skipping the test if the GoMNIST
// module is not available.
func mnistOrSkip(t testing.TB, split string) *dataset.Dataset {
	t.Helper()
	d, err := dataset.LoadMNIST(split)
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	return d
}

var tinyModels sync.Map // string -> *tinyEntry

type tinyEntry struct {
	once sync.Once
	f    *FloatModel
	m    *vae.Model
	err  error
}

// tinyModel trains (once per test binary) a small model on 500 MNIST
// training images for two epochs and quantises it.
func tinyModel(t testing.TB, lik vae.Likelihood, K int) (*FloatModel, *vae.Model) {
	t.Helper()
	train := mnistOrSkip(t, "train")
	key := lik.String() + string(rune('0'+K))
	e, _ := tinyModels.LoadOrStore(key, &tinyEntry{})
	te := e.(*tinyEntry)
	te.once.Do(func() {
		a := vae.Arch{RecordSize: 784, Likelihood: lik, Components: K, EncHidden: []int{32}, Latent: 8, DecHidden: []int{32}}
		d := train.Slice(0, 500)
		b := dataset.None
		if lik.Binary() {
			b = dataset.Threshold
		}
		te.f, te.err = Train(TrainConfig{Arch: a, Epochs: 2, BatchSize: 50, Seed: 7, Binarization: b}, d, nil)
		if te.err != nil {
			return
		}
		cal := d
		if lik.Binary() {
			cal, _ = dataset.Binarize(d, dataset.Threshold)
		}
		te.m, te.err = Quantize(te.f, QuantizeConfig{Calibration: cal, Description: "tiny test model"})
	})
	if te.err != nil {
		t.Fatal(te.err)
	}
	return te.f, te.m
}

// withLikelihood returns f with likelihood lik, whose base f's is: f's
// nets and lik's tables at their start, as Train makes it from Init.
func withLikelihood(t *testing.T, f *FloatModel, lik vae.Likelihood) *FloatModel {
	t.Helper()
	tr := lik.Trainable()
	if tr == nil || tr.Base() != f.Arch.Likelihood {
		t.Fatalf("%v does not start from %v", lik, f.Arch.Likelihood)
	}
	c := f.Clone()
	c.Arch.Likelihood = lik
	c.Lik = tr.NewFloat(&c.Arch)
	return c
}
