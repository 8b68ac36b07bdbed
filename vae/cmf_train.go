package vae

import (
	"fmt"
	"math"

	"github.com/bbans/bbans/vae/dataset"
)

// DecoderLogits draws a latent for every record of d from q(y|s) as
// NegELBO does with the same seed (SplitMix64 standing in for a message's
// bits) and returns the decoder's logit index of every byte, RecordSize
// per record (indices in [0, 512], steps of 1/16 from -16). m must be a
// model whose decoder gives one logit per byte (bernoulli-ar,
// context-mix). It is what a likelihood built on m's nets sees, for
// fitting and measuring one outside the package.
func DecoderLogits(m *Model, d *dataset.Dataset, seed uint64) ([]uint16, error) {
	if d.RecordSize != m.Arch.RecordSize {
		return nil, fmt.Errorf("vae: %d-byte records for a model of %d", d.RecordSize, m.Arch.RecordSize)
	}
	if _, ok := newWorker(m, 1).lik.(logitIndexer); !ok {
		return nil, fmt.Errorf("vae: a %v model does not give one logit per byte", m.Arch.Likelihood)
	}
	return m.sampleLogits(d, seed), nil
}

// ContextMixDepthCosts returns, for a context-mix model m and the logit
// indices idx of d's records (DecoderLogits), the code length in bits of
// m's decisions by weight-set depth (0 for "v != 0", 1..8 for the bits of
// a non-zero byte from the most significant) and the number of
// decisions at each depth: where mnist-cm's bits go, for a faster
// likelihood's design to be measured against.
func ContextMixDepthCosts(m *Model, d *dataset.Dataset, idx []uint16) (bits [cmDepths]float64, n [cmDepths]int, err error) {
	l, ok := m.Lik.(*cmLik)
	if !ok {
		return bits, n, fmt.Errorf("vae: a %v model is not context-mix", m.Arch.Likelihood)
	}
	R := m.Arch.RecordSize
	if d.RecordSize != R || len(idx) != d.Len()*R {
		return bits, n, fmt.Errorf("vae: %d logit indices for %d records of %d bytes", len(idx), d.Len(), d.RecordSize)
	}
	sc := newCMScratch(R, m.Arch.RecordShape().RowBytes())
	for r := range d.Len() {
		rec := d.Record(r)
		k := l.rt.decisions(sc, rec, idx[r*R:(r+1)*R])
		j := 0
		for _, v := range rec {
			bits[0] += -log2Freq(bitFreq(sc.dec[j], sc.probs[j]))
			n[0]++
			j++
			if v != 0 {
				for depth := 1; depth <= 8; depth++ {
					bits[depth] += -log2Freq(bitFreq(sc.dec[j], sc.probs[j]))
					n[depth]++
					j++
				}
			}
		}
		if j != k {
			panic("vae: decision count")
		}
	}
	return bits, n, nil
}

func log2Freq(f uint32) float64 { return math.Log2(float64(f)) - BernoulliPrec }
