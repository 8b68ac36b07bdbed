package train

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

// TrainConfig configures Train.
type TrainConfig struct {
	Arch         vae.Arch
	Epochs       int                  // passes over the training set; default 100
	BatchSize    int                  // default 100
	LR           float64              // Adam's initial learning rate; default 1e-3
	LRFinal      float64              // learning rate of the last step (cosine decay); default LR/20
	Seed         uint64               // seeds initial weights, shuffling, noise and dynamic binarization
	Binarization dataset.Binarization // None, Threshold, Sampled, Dynamic or Mixed applied to the training set each epoch
	// Heldout are evaluated after every epoch (bits/dim of the negative
	// ELBO); the returned model is the one with the best figure on
	// Heldout[0], if any.
	Heldout []EvalSet
	// ProgressEvery is the number of batches between progress reports
	// within an epoch; 0 reports only at epoch ends.
	ProgressEvery int
	// Init continues training from this model instead of a fresh one.
	Init *FloatModel
	// StopAfter, if positive, ends training after that epoch, with the
	// learning-rate schedule still that of Epochs.
	StopAfter int
}

// EvalSet is a named held-out dataset, already binarized if need be.
type EvalSet struct {
	Name string
	Data *dataset.Dataset
}

// Progress is what Train reports to its callback: every ProgressEvery
// batches within an epoch, and at the end of every epoch (EpochDone).
type Progress struct {
	Epoch, Epochs  int     // 1-based epoch, of Epochs
	Batch, Batches int     // batches done in this epoch, of Batches
	TrainBPD       float64 // mean training negative ELBO this epoch so far, bits/dim
	LearningRate   float64 // Adam's current learning rate
	RecordsPerSec  float64 // training throughput since the start
	Elapsed        time.Duration
	EpochDone      bool
	Heldout        []float64 // epoch ends: negative ELBO per TrainConfig.Heldout, bits/dim
	HeldoutElapsed time.Duration
	Best           bool    // epoch ends: this epoch is the best so far on Heldout[0]
	BestHeldout    float64 // the best Heldout[0] so far
	BestEpoch      int     // the epoch that reached it
	// Model is the model after this epoch, set only at epoch ends and
	// valid only during the callback (Clone it to keep it).
	Model *FloatModel
}

func (c *TrainConfig) defaults() {
	if c.Epochs == 0 {
		c.Epochs = 100
	}
	if c.BatchSize == 0 {
		c.BatchSize = 100
	}
	if c.LR == 0 {
		c.LR = 1e-3
	}
	if c.LRFinal == 0 {
		c.LRFinal = c.LR / 20
	}
}

// Train fits a float VAE to train with Adam, minimising the negative ELBO
// (one posterior sample per record per step). It calls progress (if not
// nil) during and after every epoch. The run is repeatable: the same
// config, data and GOMAXPROCS give the same model.
func Train(cfg TrainConfig, train *dataset.Dataset, progress func(Progress)) (*FloatModel, error) {
	cfg.defaults()
	a := cfg.Arch
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if train.RecordSize != a.RecordSize {
		return nil, fmt.Errorf("train: training records of %d bytes for an architecture of %d", train.RecordSize, a.RecordSize)
	}
	if train.Len() == 0 {
		return nil, errors.New("train: empty training set")
	}
	if err := train.CheckShape(a.RecordShape()); err != nil {
		return nil, err
	}
	binary := a.Likelihood.Binary()
	if binary != (cfg.Binarization != dataset.None) {
		if !(binary && train.MaxValue() <= 1) {
			return nil, fmt.Errorf("train: binarization %v with a %v likelihood", cfg.Binarization, a.Likelihood)
		}
	}
	for _, h := range cfg.Heldout {
		if h.Data.RecordSize != a.RecordSize {
			return nil, fmt.Errorf("train: held-out set %s has %d-byte records", h.Name, h.Data.RecordSize)
		}
	}
	m := cfg.Init
	if m == nil {
		var err error
		if m, err = NewFloatModel(a, cfg.Seed); err != nil {
			return nil, err
		}
	} else {
		m = m.Clone()
		if tr := a.Likelihood.Trainable(); tr != nil && m.Arch.Likelihood != a.Likelihood && tr.Base() == m.Arch.Likelihood {
			// Keep the base model's nets; the likelihood's tables start
			// where they add nothing (the same negative ELBO).
			m.Arch.Likelihood = a.Likelihood
			m.Lik = tr.NewFloat(&m.Arch)
		}
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x747261696e))
	var params [][]float32
	for _, l := range m.layers() {
		params = append(params, l.W, l.B)
	}
	params = append(params, m.Lik...)
	opt := newAdam(params)
	p := newPass(m, cfg.BatchSize)
	grads := make([][]float32, 0, len(params))
	for i := range p.gW {
		grads = append(grads, p.gW[i], p.gB[i])
	}
	grads = append(grads, p.gLik...)
	N, bs := train.Len(), cfg.BatchSize
	batches := N / bs
	if batches == 0 {
		batches, bs = 1, N
	}
	total := cfg.Epochs * batches
	start := time.Now()
	var best *FloatModel
	bestBPD, bestEpoch := math.Inf(1), 0
	recs := make([][]byte, bs)
	dim := float64(a.RecordSize) * math.Ln2
	for ep := 1; ep <= cfg.Epochs; ep++ {
		data := epochData(train, cfg.Binarization, cfg.Seed, ep)
		perm := rng.Perm(N)
		var sum float64
		for b := range batches {
			for i := range bs {
				recs[i] = data.Record(perm[b*bs+i])
			}
			step := (ep-1)*batches + b
			lr := cfg.LRFinal + 0.5*(cfg.LR-cfg.LRFinal)*(1+math.Cos(math.Pi*float64(step)/float64(total)))
			loss := p.forward(recs, rng, true)
			sum += loss
			inv := float32(1 / float64(bs))
			for _, g := range grads {
				for j := range g {
					g[j] *= inv
				}
			}
			opt.step(params, grads, lr)
			if progress != nil && cfg.ProgressEvery > 0 && (b+1)%cfg.ProgressEvery == 0 && b+1 < batches {
				el := time.Since(start)
				progress(Progress{Epoch: ep, Epochs: cfg.Epochs, Batch: b + 1, Batches: batches,
					TrainBPD: sum / float64((b+1)*bs) / dim, Elapsed: el, LearningRate: lr,
					RecordsPerSec: float64(step+1) * float64(bs) / el.Seconds()})
			}
		}
		pr := Progress{Epoch: ep, Epochs: cfg.Epochs, Batch: batches, Batches: batches,
			TrainBPD: sum / float64(batches*bs) / dim, EpochDone: true, Model: m,
			LearningRate: cfg.LRFinal + 0.5*(cfg.LR-cfg.LRFinal)*(1+math.Cos(math.Pi*float64(ep*batches)/float64(total)))}
		t0 := time.Now()
		for i, h := range cfg.Heldout {
			v := m.NegELBO(h.Data, cfg.Seed+uint64(ep))
			pr.Heldout = append(pr.Heldout, v)
			if i == 0 && v < bestBPD {
				bestBPD, bestEpoch, best = v, ep, m.Clone()
				pr.Best = true
			}
		}
		pr.HeldoutElapsed = time.Since(t0)
		pr.Elapsed = time.Since(start)
		pr.RecordsPerSec = float64(ep*batches*bs) / pr.Elapsed.Seconds()
		pr.BestHeldout, pr.BestEpoch = bestBPD, bestEpoch
		if progress != nil {
			progress(pr)
		}
		if ep == cfg.StopAfter {
			break
		}
	}
	if best != nil {
		return best, nil
	}
	return m, nil
}

// epochData returns the training set as epoch ep sees it.
func epochData(d *dataset.Dataset, b dataset.Binarization, seed uint64, ep int) *dataset.Dataset {
	switch b {
	case dataset.Threshold, dataset.Sampled:
		out, _ := dataset.Binarize(d, b)
		return out
	case dataset.Dynamic:
		return dataset.Sample(d, seed^uint64(ep)*0x9e3779b97f4a7c15)
	case dataset.Mixed:
		out := dataset.Sample(d, seed^uint64(ep)*0x9e3779b97f4a7c15)
		g := dataset.SplitMix64{State: seed + uint64(ep)}
		for r := range out.Len() {
			if g.Next()>>63 == 0 {
				for i, v := range d.Record(r) {
					out.Data[r*d.RecordSize+i] = v >> 7
				}
			}
		}
		return out
	}
	return d
}

// NegELBO returns the float model's negative ELBO on d in bits per byte,
// with one posterior sample per record drawn from a generator seeded with
// seed.
func (m *FloatModel) NegELBO(d *dataset.Dataset, seed uint64) float64 {
	const bs = 500
	p := newPass(m, bs)
	rng := rand.New(rand.NewPCG(seed, 0x6576616c))
	var sum float64
	recs := make([][]byte, 0, bs)
	for i := 0; i < d.Len(); i += bs {
		recs = recs[:0]
		for j := i; j < min(i+bs, d.Len()); j++ {
			recs = append(recs, d.Record(j))
		}
		sum += p.forward(recs, rng, false)
	}
	return sum / float64(d.Len()) / float64(m.Arch.RecordSize) / math.Ln2
}

// Clone returns a deep copy of m.
func (m *FloatModel) Clone() *FloatModel {
	c := &FloatModel{Arch: m.Arch}
	c.Arch.EncHidden = append([]int(nil), m.Arch.EncHidden...)
	c.Arch.DecHidden = append([]int(nil), m.Arch.DecHidden...)
	cp := func(l *dense) *dense {
		return &dense{In: l.In, Out: l.Out, W: append([]float32(nil), l.W...), B: append([]float32(nil), l.B...)}
	}
	for _, l := range m.Enc {
		c.Enc = append(c.Enc, cp(l))
	}
	for _, l := range m.Dec {
		c.Dec = append(c.Dec, cp(l))
	}
	for _, t := range m.Lik {
		c.Lik = append(c.Lik, append([]float32(nil), t...))
	}
	return c
}
