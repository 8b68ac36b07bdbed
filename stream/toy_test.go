package stream

import (
	"crypto/sha256"
	"math/rand/v2"

	"github.com/bbans/bbans/ans"
)

// toyModel is a small latent-variable model for testing the stream layer
// without the VAEs: records of toySize bytes, each 0 or 1; a latent of one
// component y in [0, 16) with a uniform prior; Bernoulli pixels given y; and
// a posterior that puts most mass on the component nearest the record (by
// Hamming distance), so bits-back coding saves real bits.
type toyModel struct {
	probs [toyK][toySize]uint16
	hash  [32]byte
}

const (
	toyK    = 16
	toySize = 24
	toyPrec = 12
)

func newToyModel() *toyModel {
	m := &toyModel{}
	r := rand.New(rand.NewPCG(1, 1))
	for y := range toyK {
		for i := range toySize {
			p := 1 + r.IntN(60)
			if r.IntN(2) == 0 {
				p = 1<<toyPrec - p
			}
			m.probs[y][i] = uint16(p)
		}
	}
	m.hash = sha256.Sum256([]byte("toy model"))
	return m
}

// sample draws a record from the model.
func (m *toyModel) sample(r *rand.Rand) []byte {
	y := r.IntN(toyK)
	s := make([]byte, toySize)
	for i := range s {
		if r.IntN(1<<toyPrec) < int(m.probs[y][i]) {
			s[i] = 1
		}
	}
	return s
}

func (m *toyModel) Name() string    { return "toy" }
func (m *toyModel) Hash() [32]byte  { return m.hash }
func (m *toyModel) RecordSize() int { return toySize }
func (m *toyModel) File() []byte    { return []byte("toy model") }
func (m *toyModel) Codable(rec []byte) bool {
	for _, b := range rec {
		if b > 1 {
			return false
		}
	}
	return true
}
func (m *toyModel) NewCoder(lanes int) Coder { return &toyCoder{m: m} }

type toyCoder struct{ m *toyModel }

func (c *toyCoder) LatentSize() int { return 1 }

// posterior returns the frequencies (at precision 8) of q(y|s): 241/256 on
// the nearest component, 1/256 on each other.
func (c *toyCoder) posterior(rec []byte) *ans.Categorical {
	best, bestD := 0, toySize+1
	for y := range toyK {
		d := 0
		for i, b := range rec {
			if (c.m.probs[y][i] > 1<<(toyPrec-1)) != (b == 1) {
				d++
			}
		}
		if d < bestD {
			best, bestD = y, d
		}
	}
	freqs := make([]uint32, toyK)
	for y := range freqs {
		freqs[y] = 1
	}
	freqs[best] = 256 - (toyK - 1)
	cat, err := ans.NewCategorical(freqs, 8)
	if err != nil {
		panic(err)
	}
	return cat
}

func (c *toyCoder) PopPosterior(m *ans.Message, records [][]byte, latents [][]int32) {
	for i, r := range records {
		if r != nil {
			latents[i][0] = int32(c.posterior(r).Pop(m, i))
		}
	}
}

func (c *toyCoder) PushPosterior(m *ans.Message, records [][]byte, latents [][]int32) {
	for i := len(records) - 1; i >= 0; i-- {
		if records[i] != nil {
			c.posterior(records[i]).Push(m, i, int(latents[i][0]))
		}
	}
}

func (c *toyCoder) PushLikelihood(m *ans.Message, latents [][]int32, records [][]byte) {
	for i, r := range records {
		if r != nil {
			ans.PushBernoulli(m, i, r, c.m.probs[latents[i][0]][:], toyPrec)
		}
	}
}

func (c *toyCoder) PopLikelihood(m *ans.Message, latents [][]int32, records [][]byte) {
	for i := len(records) - 1; i >= 0; i-- {
		if records[i] != nil {
			ans.PopBernoulli(m, i, c.m.probs[latents[i][0]][:], toyPrec, records[i])
		}
	}
}

func (c *toyCoder) PushPrior(m *ans.Message, latents [][]int32) {
	for i, l := range latents {
		if l != nil {
			m.Push(i, uint32(l[0]), 1, 4)
		}
	}
}

func (c *toyCoder) PopPrior(m *ans.Message, latents [][]int32) {
	for i := len(latents) - 1; i >= 0; i-- {
		if latents[i] != nil {
			s := m.Peek(i, 4)
			m.Pop(i, s, 1, 4)
			latents[i][0] = int32(s)
		}
	}
}
