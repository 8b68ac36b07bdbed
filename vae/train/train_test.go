package train

import (
	"math"
	"testing"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

// TestTrainReducesNegELBO trains a tiny model for a few steps on a small
// subset and checks that the held-out negative ELBO falls, and that the
// same seed gives the same model.
func TestTrainReducesNegELBO(t *testing.T) {
	all := mnistOrSkip(t, "train")
	train, held := all.Slice(0, 600), all.Slice(59000, 59300)
	th, _ := dataset.Binarize(held, dataset.Threshold)
	a := vae.Arch{RecordSize: 784, Likelihood: vae.Bernoulli, Components: 1, EncHidden: []int{24}, Latent: 4, DecHidden: []int{24}}
	f0, err := NewFloatModel(a, 5)
	if err != nil {
		t.Fatal(err)
	}
	before := f0.NegELBO(th, 1)
	var reports []Progress
	cfg := TrainConfig{Arch: a, Epochs: 3, BatchSize: 30, LR: 3e-3, Seed: 5, Binarization: dataset.Dynamic,
		Heldout: []EvalSet{{"threshold", th}}, ProgressEvery: 5}
	f, err := Train(cfg, train, func(p Progress) { reports = append(reports, p) })
	if err != nil {
		t.Fatal(err)
	}
	after := f.NegELBO(th, 1)
	t.Logf("held-out negative ELBO %.4f -> %.4f bits/dim", before, after)
	if !(after < before-0.05) {
		t.Errorf("negative ELBO did not fall: %.4f -> %.4f", before, after)
	}
	ends := 0
	for _, p := range reports {
		if p.EpochDone {
			ends++
			if len(p.Heldout) != 1 || math.IsNaN(p.Heldout[0]) || math.IsNaN(p.TrainBPD) {
				t.Errorf("bad report %+v", p)
			}
		}
	}
	if ends != 3 || len(reports) <= 3 {
		t.Errorf("%d reports, %d at epoch ends", len(reports), ends)
	}
	f2, err := Train(cfg, train, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range f.layers() {
		for j, w := range l.W {
			if f2.layers()[i].W[j] != w {
				t.Fatalf("same seed, different weights")
			}
		}
	}
}

func TestTrainRejects(t *testing.T) {
	a := vae.Arch{RecordSize: 4, Likelihood: vae.Bernoulli, Components: 1, Latent: 2}
	d := &dataset.Dataset{RecordSize: 4, Data: []byte{0, 1, 2, 200}}
	if _, err := Train(TrainConfig{Arch: a}, d, nil); err == nil {
		t.Errorf("Bernoulli model trained on bytes without binarization")
	}
	if _, err := Train(TrainConfig{Arch: a, Binarization: dataset.Threshold}, &dataset.Dataset{RecordSize: 3, Data: make([]byte, 9)}, nil); err == nil {
		t.Errorf("record size mismatch accepted")
	}
	if _, err := Train(TrainConfig{Arch: vae.Arch{RecordSize: 4, Likelihood: 9, Latent: 1}}, d, nil); err == nil {
		t.Errorf("bad architecture accepted")
	}
}

func TestTrainStopAfter(t *testing.T) {
	a := vae.Arch{RecordSize: 8, Likelihood: vae.Logistic, Components: 2, EncHidden: []int{4}, Latent: 2, DecHidden: []int{4}}
	d := &dataset.Dataset{RecordSize: 8, Data: make([]byte, 8*40)}
	for i := range d.Data {
		d.Data[i] = byte(i * 7)
	}
	epochs := 0
	_, err := Train(TrainConfig{Arch: a, Epochs: 5, StopAfter: 2, BatchSize: 10}, d, func(p Progress) {
		if p.EpochDone {
			epochs++
			if p.Epochs != 5 {
				t.Errorf("schedule of %d epochs", p.Epochs)
			}
		}
	})
	if err != nil || epochs != 2 {
		t.Errorf("%d epochs, error %v", epochs, err)
	}
}
