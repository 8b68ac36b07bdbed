package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

// TestARGradients compares the analytic gradients of the negative ELBO of
// the autoregressive likelihoods (nets and context tables) with central
// finite differences.
func TestARGradients(t *testing.T) {
	for _, a := range []vae.Arch{
		{RecordSize: 25, Likelihood: vae.BernoulliAR, Components: 1, EncHidden: []int{7}, Latent: 3, DecHidden: []int{6}},
		{RecordSize: 25, Likelihood: vae.LogisticAR, Components: 1, EncHidden: []int{7}, Latent: 3, DecHidden: []int{6}},
		{RecordSize: 25, Likelihood: vae.LogisticAR, Components: 2, EncHidden: []int{7}, Latent: 3, DecHidden: []int{6}},
	} {
		t.Run(a.String(), func(t *testing.T) { checkARGradients(t, a) })
	}
}

func checkARGradients(t *testing.T, a vae.Arch) {
	noLatentRounding = true
	defer func() { noLatentRounding = false }()
	m, err := NewFloatModel(a, 3)
	if err != nil {
		t.Fatal(err)
	}
	g := rand.New(rand.NewPCG(1, 2))
	switch len(m.Lik) {
	case 2: // BernoulliAR: A, B
		for i := range m.Lik[0] {
			m.Lik[0][i] = float32(0.5 + g.Float64())
			m.Lik[1][i] = float32(g.NormFloat64())
		}
	case 4: // LogisticAR: R, G, D, S
		for i := range m.Lik[0] {
			m.Lik[0][i] = float32(0.02 * g.NormFloat64())
		}
		for i := range m.Lik[1] {
			m.Lik[1][i] = float32(0.3 * g.NormFloat64())
		}
		for i := range m.Lik[2] {
			m.Lik[2][i] = float32(0.3 * g.NormFloat64())
			m.Lik[3][i] = float32(0.1 * g.NormFloat64())
		}
	}
	recs := make([][]byte, 6)
	for i := range recs {
		recs[i] = make([]byte, a.RecordSize)
		for j := range recs[i] {
			if a.Likelihood.Binary() {
				recs[i][j] = byte(g.IntN(2))
			} else {
				recs[i][j] = []byte{0, 255, 3, 128, 200, 254, 1}[g.IntN(7)]
			}
		}
	}
	p := newPass(m, len(recs))
	loss := func() float64 { return p.forward(recs, rand.New(rand.NewPCG(5, 6)), false) }
	p.forward(recs, rand.New(rand.NewPCG(5, 6)), true)
	type pg struct{ v, g []float32 }
	var all []pg
	for li, l := range m.layers() {
		all = append(all, pg{l.W, p.gW[li]}, pg{l.B, p.gB[li]})
	}
	for i, v := range m.Lik {
		all = append(all, pg{v, p.gLik[i]})
	}
	bad, checked := 0, 0
	for pi, w := range all {
		step := 1 + len(w.v)/17
		if pi >= 2*len(m.layers()) {
			step = 1 // every context-table entry
		}
		for j := 0; j < len(w.v); j += step {
			if w.g[j] == 0 && pi >= 2*len(m.layers()) {
				continue // a context the records never show
			}
			old := w.v[j]
			h := float32(2e-3)
			if pi >= 2*len(m.layers()) {
				h = 1e-4 // the tables act on whole bytes: keep the step linear
			}
			w.v[j] = old + h
			up := loss()
			w.v[j] = old - h
			dn := loss()
			w.v[j] = old
			num := (up - dn) / (2 * float64(h))
			checked++
			if d := math.Abs(num - float64(w.g[j])); d > 2e-2*max(1, math.Abs(num)) {
				bad++
				t.Logf("param set %d entry %d: analytic %g, numeric %g", pi, j, w.g[j], num)
			}
		}
	}
	if bad > 2 || checked < 20 {
		t.Errorf("%d gradient mismatches of %d", bad, checked)
	}
}

// TestARTrainReducesNegELBO starts a BernoulliAR model from a trained
// Bernoulli one (identity context tables: the same negative ELBO), trains
// a few steps and checks that the held-out negative ELBO falls below the
// Bernoulli model's.
func TestARTrainReducesNegELBO(t *testing.T) {
	f0, _ := tinyModel(t, vae.Bernoulli, 1)
	all := mnistOrSkip(t, "train")
	held, _ := dataset.Binarize(all.Slice(59000, 59300), dataset.Threshold)
	ar := withLikelihood(t, f0, vae.BernoulliAR)
	b0, a0 := f0.NegELBO(held, 1), ar.NegELBO(held, 1)
	if math.Abs(b0-a0) > 1e-6 {
		t.Fatalf("identity context tables change the negative ELBO: %.6f -> %.6f", b0, a0)
	}
	a := ar.Arch
	cfg := TrainConfig{Arch: a, Epochs: 2, BatchSize: 50, LR: 3e-3, Seed: 5, Binarization: dataset.Threshold, Init: f0}
	f, err := Train(cfg, all.Slice(0, 500), nil)
	if err != nil {
		t.Fatal(err)
	}
	after := f.NegELBO(held, 1)
	t.Logf("held-out negative ELBO %.4f (bernoulli) -> %.4f (bernoulli-ar)", b0, after)
	if !(after < b0-0.02) {
		t.Errorf("negative ELBO did not fall: %.4f -> %.4f", b0, after)
	}
}

// TestAR8TrainReducesNegELBO is TestARTrainReducesNegELBO for LogisticAR
// from a trained Logistic model.
func TestAR8TrainReducesNegELBO(t *testing.T) {
	f0, _ := tinyModel(t, vae.Logistic, 2)
	all := mnistOrSkip(t, "train")
	held := all.Slice(59000, 59200)
	ar := withLikelihood(t, f0, vae.LogisticAR)
	b0, a0 := f0.NegELBO(held, 1), ar.NegELBO(held, 1)
	if math.Abs(b0-a0) > 1e-6 {
		t.Fatalf("zero context tables change the negative ELBO: %.6f -> %.6f", b0, a0)
	}
	cfg := TrainConfig{Arch: ar.Arch, Epochs: 1, BatchSize: 50, LR: 3e-3, Seed: 5, Init: f0}
	f, err := Train(cfg, all.Slice(0, 500), nil)
	if err != nil {
		t.Fatal(err)
	}
	after := f.NegELBO(held, 1)
	t.Logf("held-out negative ELBO %.4f (logistic) -> %.4f (logistic-ar)", b0, after)
	if !(after < b0-0.05) {
		t.Errorf("negative ELBO did not fall: %.4f -> %.4f", b0, after)
	}
}
