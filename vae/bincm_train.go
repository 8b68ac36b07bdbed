package vae

// Building a BinCM model (bincm.go) from a trained BernoulliAR model and
// 8-bit training images, in integers: the images are binarized by
// threshold (regime 0) and by sampling (regime 1); each regime's counters
// are primed on its binarization of all but the last Holdout images, its
// weights fitted online on the held-out images coded as a chunk would
// code them (the counters reset to the primed state every Chunk records
// and adapting), and its counters then primed on the held-out images
// too. The images the nets were not trained on make the best held-out
// set: there the decoder is as sure of itself as on new images.

import (
	"fmt"
	"math"

	"github.com/bbans/bbans/vae/dataset"
)

// BinCMConfig sets how BuildBinCM primes and fits.
type BinCMConfig struct {
	// Holdout is the number of last images the weights are fitted on.
	Holdout int
	// Limit is the count limit while coding (0: no adaptation).
	Limit uint32
	// Epochs over the held-out images; LR is the weights' learning rate
	// in units of 2^-16, halved each epoch.
	Epochs int
	LR     int64
	// Chunk is the records per chunk of the fit (as stream's chunks).
	Chunk int
	// Seed of the sampled binarization and of the latent draws.
	Seed uint64
	// Round rounds each step of a weight to the nearest unit; without it
	// the step is floored, as mnist-bin-cm was fitted, which drifts every
	// weight down once the steps are small (so more epochs made it worse).
	Round       bool
	Description string
	// Progress, if not nil, is told what is happening.
	Progress func(string)
}

// DefaultBinCMConfig is the configuration of the built-in mnist-bin-cm2:
// steps rounded, four epochs (chosen on training images: fitted on
// 50,000-55,000 and measured on 55,000-60,000, the nets trained on the
// first 50,000, it was 0.1252 and 0.1658 bits/dim threshold and sampled
// against 0.1255 and 0.1664 for mnist-bin-cm's configuration).
var DefaultBinCMConfig = BinCMConfig{Holdout: 10000, Limit: 255, Epochs: 4, LR: 96, Chunk: 1000, Seed: 1, Round: true}

// BinCMConfigV1 is the configuration of the built-in mnist-bin-cm.
var BinCMConfigV1 = BinCMConfig{Holdout: 10000, Limit: 255, Epochs: 2, LR: 96, Chunk: 1000, Seed: 1}

// bcmSquashTable is the squash table: P(1) of the logit i/256.
func bcmSquashTable() []uint16 {
	t := make([]uint16, bcmSqLen)
	for i := range t {
		t[i] = probQ16(sigmoid(float64(i-bcmStMax) / 256))
	}
	return t
}

// BuildBinCM returns a BinCM model with base's nets and table (a
// BernoulliAR model), its adaptive part fitted to the 8-bit images d.
func BuildBinCM(base *Model, d *dataset.Dataset, cfg BinCMConfig) (*Model, error) {
	if err := checkARBase("bernoulli-cm", base, d); err != nil {
		return nil, err
	}
	W := base.Arch.RecordShape().RowBytes()
	if W > bcmMaxWidth {
		return nil, fmt.Errorf("vae: bernoulli-cm codes images at most %d pixels wide", bcmMaxWidth)
	}
	if cfg.Holdout < 0 || cfg.Holdout > d.Len() || cfg.Limit > bcmMaxLimit || cfg.Epochs < 0 || cfg.Chunk < 1 || cfg.LR < 0 {
		return nil, fmt.Errorf("vae: bad bernoulli-cm configuration %+v", cfg)
	}
	say := func(format string, a ...any) {
		if cfg.Progress != nil {
			cfg.Progress(fmt.Sprintf(format, a...))
		}
	}
	R := d.RecordSize
	thr, _ := dataset.Binarize(d, dataset.Threshold)
	sets := [bcmRegimes]*dataset.Dataset{thr, dataset.Sample(d, cfg.Seed)}
	nA := d.Len() - cfg.Holdout

	m := &bcmMix{ar: base.Lik.(*arTables).table, squash: bcmSquashTable(), limit: cfg.Limit}
	for r := range m.reg {
		g := &m.reg[r]
		g.weights = make([]int32, bcmWeights)
		for s := range bcmSets {
			g.weights[s*bcmInputs] = 1 << 16 // the net's prediction alone
		}
		g.primed2, g.primed3 = make([]uint32, 1<<bcmBits2), make([]uint32, 1<<bcmBits3)
		for i := range g.primed3 {
			g.primed3[i] = bcmInit
		}
		for i := range g.primed2 {
			g.primed2[i] = bcmInit
		}
	}
	m.derive()
	st := m.newState()
	ins := make([]bcmIn, R)
	// prime runs regime r's counters from its primed state over records
	// [lo, hi) of its binarization at the largest count limit and makes
	// the result, counts cut to the coding limit, the primed state.
	prime := func(r, lo, hi int) {
		copy(st.t2[r][:], m.reg[r].primed2)
		copy(st.t3[r][:], m.reg[r].primed3)
		for i := lo; i < hi; i++ {
			st.adapt(m, r, sets[r].Record(i), W, ins, bcmMaxLimit)
		}
		cut := func(dst []uint32, src []uint32) {
			for i, v := range src {
				if v&1023 > m.limit {
					v = v&^1023 | m.limit
				}
				dst[i] = v
			}
		}
		cut(m.reg[r].primed2, st.t2[r][:])
		cut(m.reg[r].primed3, st.t3[r][:])
		st.dirty[r] = true
	}
	for r := range m.reg {
		say("regime %d: priming on %d images", r, nA)
		prime(r, 0, nA)
	}
	m.derive()
	if cfg.Holdout > 0 && cfg.Epochs > 0 {
		for r := range m.reg {
			say("regime %d: decoder logits of %d held-out images", r, cfg.Holdout)
			ho := sets[r].Slice(nA, d.Len())
			idx := base.sampleLogits(ho, cfg.Seed+uint64(r))
			lr, round := cfg.LR, int64(0)
			if cfg.Round {
				round = 1 << 23
			}
			for e := range cfg.Epochs {
				var cost, costAR float64
				for lo := 0; lo < cfg.Holdout; lo += cfg.Chunk {
					st.reset(m)
					for i := lo; i < min(lo+cfg.Chunk, cfg.Holdout); i++ {
						rec := ho.Record(i)
						st.adapt(m, r, rec, W, ins, m.limit)
						c, ca := m.fit(&m.reg[r], idx[i*R:(i+1)*R], rec, W, ins, lr, round)
						cost += c
						costAR += ca
					}
				}
				say("regime %d epoch %d: likelihood %.4f bits/dim while fitting (bernoulli-ar's %.4f)",
					r, e+1, cost/float64(cfg.Holdout*R), costAR/float64(cfg.Holdout*R))
				lr /= 2
			}
		}
	}
	for r := range m.reg {
		prime(r, nA, d.Len())
	}
	m.derive()

	out := &Model{
		Arch:          base.Arch,
		BucketBits:    base.BucketBits,
		PosteriorPrec: base.PosteriorPrec,
		LikPrec:       BernoulliPrec,
		Enc:           base.Enc,
		Dec:           base.Dec,
		SigmaTable:    base.SigmaTable,
		Description:   cfg.Description,
		Lik:           &bcmTablesT{m: m},
	}
	out.Arch.Likelihood = BinCM
	if err := out.finish(); err != nil {
		return nil, err
	}
	return out, nil
}

// fit walks a record as probs does, moving the weights of each active
// pixel's set by one step of online logistic regression (rate lr, units
// of 2^-16; round is added before the step's shift: 0 floors it, 2^23
// rounds it) after its probability is taken; it returns the record's
// cost in bits and its cost under the BernoulliAR table alone.
func (m *bcmMix) fit(g *bcmParams, idx []uint16, rec []byte, w int, ins []bcmIn, lr, round int64) (cost, costAR float64) {
	var k bcmCursor
	u := make([]int16, len(rec)+w+1)
	bcmRawLogits(u, idx)
	bitsOf := func(b uint8, p uint16) float64 {
		return float64(BernoulliPrec) - math.Log2(float64(bitFreq(b, p)))
	}
	for y := 0; y < len(rec); y += w {
		row, ri, in := rec[y:y+w], idx[y:y+w], ins[y:y+w]
		k.startRow()
		for x, b := range row {
			ps := m.arPS[bcmARCtx(k.c3)*arIdxLen+int(ri[x])]
			p := uint16(ps)
			if !in[x].quiet() {
				xs, set := bcmInput(ps, in[x], u, y+x, w)
				var d int32
				p, d = m.prob(g, set, &xs)
				wt := g.weights[set*bcmInputs:][:bcmInputs]
				err := int64(b)<<16 - int64(m.squash[d+bcmStMax])
				for j := range wt {
					wt[j] = int32(min(max(int64(wt[j])+(int64(xs[j])*err*lr+round)>>24, -bcmWeightMax), bcmWeightMax))
				}
			}
			cost += bitsOf(b, p)
			costAR += bitsOf(b, uint16(ps))
			k.next(x, b)
		}
	}
	return cost, costAR
}
