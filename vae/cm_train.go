package vae

// Building a ContextMix model (cm.go) from a trained binary VAE and 8-bit
// training records: the VAE's nets are kept as they are; the context
// tables are smoothed counts of the training records' decisions and the
// mixing weights are fitted by online logistic regression on the same
// records, each record's own counts taken out of the tables it reads
// (leave-one-out), so that the weights learn how far to trust counts on
// records the tables have not seen.

import (
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/bbans/bbans/vae/dataset"
)

// CMConfig sets how BuildContextMix smooths, prunes and fits.
type CMConfig struct {
	// Alpha is the weight of the coarser context's probability in a
	// context's estimate: p = (n1 + Alpha·p_parent) / (n + Alpha).
	Alpha float64
	// MinCount is the fewest decisions a (context, node) must have seen
	// to get a table entry.
	MinCount int
	// Epochs of the weight fit, learning rate LR decaying linearly to a
	// tenth.
	Epochs int
	LR     float64
	// Seed of the latent draws for the training records.
	Seed        uint64
	Description string
	// Progress, if not nil, is told what is happening.
	Progress func(string)
}

// DefaultCMConfig is the configuration of the built-in mnist-cm.
var DefaultCMConfig = CMConfig{Alpha: 8, MinCount: 8, Epochs: 3, LR: 0.0005, Seed: 1}

// BuildContextMix returns a ContextMix model with base's nets (a
// BernoulliAR model) and tables fitted to the 8-bit records of d.
func BuildContextMix(base *Model, d *dataset.Dataset, cfg CMConfig) (*Model, error) {
	if err := checkARBase("context-mix", base, d); err != nil {
		return nil, err
	}
	if cfg.Alpha <= 0 || cfg.MinCount < 1 || cfg.Epochs < 0 || cfg.LR < 0 {
		return nil, fmt.Errorf("vae: bad context-mix configuration %+v", cfg)
	}
	say := func(format string, a ...any) {
		if cfg.Progress != nil {
			cfg.Progress(fmt.Sprintf(format, a...))
		}
	}
	m := &Model{
		Arch:          base.Arch,
		BucketBits:    base.BucketBits,
		PosteriorPrec: base.PosteriorPrec,
		LikPrec:       BernoulliPrec,
		Enc:           base.Enc,
		Dec:           base.Dec,
		SigmaTable:    base.SigmaTable,
		Description:   cfg.Description,
	}
	m.Arch.Likelihood = ContextMix
	squash := cmSquashTable()
	var tabs [cmLevels][]CMEntry
	tabs[0] = make([]CMEntry, cmNodes)
	for n := range cmNodes {
		tabs[0][n] = CMEntry{Node: uint8(n)}
	}
	m.Lik = newCMLik(squash, make([]int32, cmWeights), tabs)
	if err := m.finish(); err != nil { // the nets, for the logits below
		return nil, err
	}
	say("decoder logits of %d records", d.Len())
	idx := m.sampleLogits(d, cfg.Seed)
	say("counting decisions")
	c := countCM(d, m.Arch.RecordSize, m.Arch.RecordShape().RowBytes())
	say("smoothing")
	st := c.smooth(cfg.Alpha, cfg.MinCount)
	for l := range cmLevels {
		tabs[l] = st.entries(l)
		say("table %d: %d entries", l, len(tabs[l]))
	}
	say("leave-one-out inputs")
	samples := c.looSamples(d, idx, cfg.Alpha, cfg.MinCount)
	w := fitCMWeights(samples, cfg, say)
	weights := make([]int32, cmWeights)
	for i, v := range w {
		weights[i] = int32(min(max(math.Round(v*65536), -cmWeightMax), cmWeightMax))
	}
	m.Lik = newCMLik(squash, weights, tabs)
	if err := m.finish(); err != nil {
		return nil, err
	}
	return m, nil
}

// cmSquashTable is the squash table: P(1) of the logit (i-2048)/128.
func cmSquashTable() []uint16 {
	t := make([]uint16, cmSquashLen)
	for i := range t {
		t[i] = probQ16(sigmoid(float64(i-cmSquashLen/2) / 128))
	}
	return t
}

// checkARBase checks that base, which a lik model is built on, is a
// BernoulliAR model of d's records.
func checkARBase(lik string, base *Model, d *dataset.Dataset) error {
	if base.Arch.Likelihood != BernoulliAR {
		return fmt.Errorf("vae: a %s model builds on a bernoulli-ar model, not %v", lik, base.Arch.Likelihood)
	}
	if d.RecordSize != base.Arch.RecordSize {
		return fmt.Errorf("vae: %d-byte records for a model of %d", d.RecordSize, base.Arch.RecordSize)
	}
	return d.CheckShape(base.Arch.RecordShape())
}

// sampleLogits draws a latent for every record from q(y|s) (SplitMix64
// standing in for a message's bits) and returns the decoder's logit
// indices, RecordSize per record, of a model whose likelihood coder keeps
// them (BernoulliAR, ContextMix: logitIndexer).
func (m *Model) sampleLogits(d *dataset.Dataset, seed uint64) []uint16 {
	R, dl := m.Arch.RecordSize, m.Arch.Latent
	out := make([]uint16, d.Len()*R)
	w := newWorker(m, evalBatch)
	g := m.buckets
	rng := dataset.SplitMix64{State: seed}
	lat := make([]int32, dl)
	for lo := 0; lo < d.Len(); lo += evalBatch {
		n := min(evalBatch, d.Len()-lo)
		for r := range n {
			w.setRecord(r, d.Record(lo+r))
		}
		w.encode(n)
		for r := range n {
			for j := range dl {
				lat[j], _ = drawBucket(g, w.mu[r*dl+j], w.sigma[r*dl+j], uint32(rng.Next()>>(64-m.PosteriorPrec)))
			}
			w.setLatent(r, lat)
		}
		// setLatent wrote slot r; the encoder's input is no longer needed.
		w.decode(n)
		copy(out[lo*R:(lo+n)*R], w.lik.(logitIndexer).logitIndices()[:n*R])
	}
	return out
}

// logitIndexer is a likelihood coder that keeps the decoder's logit index
// of every byte of its slots (slots x RecordSize).
type logitIndexer interface{ logitIndices() []uint16 }

func (c *cmCoder) logitIndices() []uint16 { return c.idx }
func (c *arCoder) logitIndices() []uint16 { return c.idx }

// cmCounts are the decisions of the training records: per level, a map
// from key ctx·256 + node to the counts of 0 and 1.
type cmCounts struct {
	R, w  int // record size, row bytes
	level [cmLevels]map[uint64][2]uint32
}

// countCM counts the decisions of d's records of R bytes, images in rows
// of w bytes.
func countCM(d *dataset.Dataset, R, w int) *cmCounts {
	c := &cmCounts{R: R, w: w}
	for l := range c.level {
		c.level[l] = map[uint64][2]uint32{}
	}
	for r := range d.Len() {
		addCounts(&c.level, d.Record(r), w)
	}
	return c
}

// addCounts adds every decision of rec (an image of width w) to the
// counts of its contexts at every level.
func addCounts(counts *[cmLevels]map[uint64][2]uint32, rec []byte, w int) {
	for i, v := range rec {
		ctx := cmContexts(rec, w, i%w, i/w)
		cmDecisions(v, func(node uint, bit uint8) {
			for l := range cmLevels {
				k := ctx[l]<<8 | uint64(node)
				e := counts[l][k]
				e[bit]++
				counts[l][k] = e
			}
		})
	}
}

// cmSmoothed holds the smoothed probability of every (context, node) that
// has an entry.
type cmSmoothed struct {
	p [cmLevels]map[uint64]float64
}

// smooth computes the entries: level 0 has every node; a deeper (context,
// node) seen at least minCount times gets (n1 + alpha·p') / (n + alpha),
// p' the probability the runtime would find without it (the nearest
// coarser entry).
func (c *cmCounts) smooth(alpha float64, minCount int) *cmSmoothed {
	s := &cmSmoothed{}
	for l := range cmLevels {
		s.p[l] = map[uint64]float64{}
		for k, e := range c.level[l] {
			n := float64(e[0] + e[1])
			if l > 0 && n < float64(minCount) {
				continue
			}
			parent := 0.5
			if l > 0 {
				parent = s.find(l-1, k>>8>>cmContextBits[l], uint8(k))
			}
			s.p[l][k] = (float64(e[1]) + alpha*parent) / (n + alpha)
		}
		if l == 0 {
			for n := range cmNodes {
				if _, ok := s.p[0][uint64(n)]; !ok {
					s.p[0][uint64(n)] = 0.5
				}
			}
		}
	}
	return s
}

// find returns the probability the runtime uses at level l for ctx, node.
func (s *cmSmoothed) find(l int, ctx uint64, node uint8) float64 {
	for ; l > 0; l-- {
		if p, ok := s.p[l][ctx<<8|uint64(node)]; ok {
			return p
		}
		ctx >>= cmContextBits[l]
	}
	return s.p[0][uint64(node)]
}

// entries returns level l's table sorted by (context, node).
func (s *cmSmoothed) entries(l int) []CMEntry {
	keys := make([]uint64, 0, len(s.p[l]))
	for k := range s.p[l] {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	es := make([]CMEntry, len(keys))
	for i, k := range keys {
		es[i] = CMEntry{Ctx: k >> 8, Node: uint8(k), B: cmQuantLogit(s.p[l][k])}
	}
	return es
}

// cmQuantLogit is a probability's logit in steps of 1/8, within ±127.
func cmQuantLogit(p float64) int8 {
	p = min(max(p, 1e-9), 1-1e-9)
	return int8(min(max(math.Round(8*math.Log(p/(1-p))), -127), 127))
}

// cmSample is one decision as the mixer sees it.
type cmSample struct {
	s   [3]int8 // s_2, s_3, s_4 in steps of 1/8
	u   [4]int16
	set uint16
	bit uint8
}

// looSamples returns every decision of d's records with the inputs the
// mixer would see if the record were not in the tables.
func (c *cmCounts) looSamples(d *dataset.Dataset, idx []uint16, alpha float64, minCount int) [][]cmSample {
	R, w := c.R, c.w
	h := R / w
	out := make([][]cmSample, d.Len())
	var wg sync.WaitGroup
	const workers = 2
	for k := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := [cmLevels]map[uint64][2]uint32{}
			for l := range own {
				own[l] = map[uint64][2]uint32{}
			}
			for r := k; r < d.Len(); r += workers {
				rec := d.Record(r)
				ri := idx[r*R : (r+1)*R]
				for l := range own {
					clear(own[l])
				}
				addCounts(&own, rec, w)
				var ss []cmSample
				for i, v := range rec {
					x, y := i%w, i/w
					ctx := cmContexts(rec, w, x, y)
					u := func(dx, dy int) int16 {
						if x+dx >= w || y+dy >= h {
							return 0
						}
						return int16(int(ri[(y+dy)*w+x+dx]) - 256)
					}
					us := [4]int16{u(0, 0), u(0, 1), u(1, 0), u(1, 1)}
					tb := min(int(ri[i])>>6, cmTBuckets-1)
					cmDecisions(v, func(node uint, bit uint8) {
						var sm cmSample
						p := 0.5
						conf := 0
						for l := range cmLevels {
							k := ctx[l]<<8 | uint64(node)
							e, o := c.level[l][k], own[l][k]
							n1, n := float64(e[1]-o[1]), float64(e[0]+e[1]-o[0]-o[1])
							if l == 0 || n >= float64(minCount) {
								p = (n1 + alpha*p) / (n + alpha)
								if l > 0 {
									conf = l
								}
							}
							if l >= 2 {
								sm.s[l-2] = cmQuantLogit(p)
							}
						}
						sm.u = us
						sm.set = uint16((int(cmDepth[node])*cmTBuckets+tb)*cmLevels + conf)
						sm.bit = bit
						ss = append(ss, sm)
					})
				}
				out[r] = ss
			}
		}()
	}
	wg.Wait()
	return out
}

// fitCMWeights fits the mixing weights by online logistic regression,
// records in order, the learning rate decaying linearly to a tenth.
func fitCMWeights(samples [][]cmSample, cfg CMConfig, say func(string, ...any)) []float64 {
	w := make([]float64, cmWeights)
	for s := range cmSets {
		w[s*cmInputs+2] = 1 // start from the finest table's estimate
	}
	total := cfg.Epochs * len(samples)
	step := 0
	for ep := range cfg.Epochs {
		var loss float64
		var n int
		for _, rec := range samples {
			lr := cfg.LR * (1 - 0.9*float64(step)/float64(max(total, 1)))
			step++
			for _, sm := range rec {
				x := [cmInputs]float64{float64(sm.s[0]) / 8, float64(sm.s[1]) / 8, float64(sm.s[2]) / 8,
					float64(sm.u[0]) / 16, float64(sm.u[1]) / 16, float64(sm.u[2]) / 16, float64(sm.u[3]) / 16, 1}
				ws := w[int(sm.set)*cmInputs : (int(sm.set)+1)*cmInputs]
				var dot float64
				for j := range cmInputs {
					dot += ws[j] * x[j]
				}
				p := sigmoid(dot)
				p = min(max(p, 1.0/65536), 1-1.0/65536)
				if sm.bit == 1 {
					loss -= math.Log2(p)
				} else {
					loss -= math.Log2(1 - p)
				}
				n++
				g := lr * (float64(sm.bit) - p)
				for j := range cmInputs {
					ws[j] += g * x[j]
				}
			}
		}
		say("weights epoch %d: %.4f bits/decision over %d decisions", ep+1, loss/float64(max(n, 1)), n)
	}
	return w
}
