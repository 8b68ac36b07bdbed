package vae

// The Bernoulli likelihood (SPEC.md section 3.2): bytes 0 and 1, one
// decoder logit per byte, independent given the latent. The decoder's
// output t for a byte indexes the probability table: P(1) =
// table[clamp(t, 0, len-1)] / 2^16.

import (
	"math"

	"github.com/bbans/bbans/ans"
)

// Bernoulli models bytes 0 and 1 (binarized records) by one logit per
// byte.
const Bernoulli Likelihood = 1

const (
	probLogitStep = 64 // probability table steps per unit of the logit
	probLogitMax  = 16 // the table covers logits [-16, 16]
)

func init() { RegisterLikelihood(Bernoulli, bernoulliFamily{}) }

type bernoulliFamily struct{}

func (bernoulliFamily) Name() string       { return "bernoulli" }
func (bernoulliFamily) Alphabet() int      { return 2 }
func (bernoulliFamily) MaxComponents() int { return 1 }
func (bernoulliFamily) Params(*Arch) int   { return 1 }

func (bernoulliFamily) Parse(s *Section, a *Arch, likPrec uint) (Tables, error) {
	if err := checkLikPrec("Bernoulli", likPrec, BernoulliPrec); err != nil {
		return nil, err
	}
	t, err := s.v1Tables("bernoulli", true, false, a.Components)
	if err != nil {
		return nil, err
	}
	return &bernoulliTables{prob: t.prob}, nil
}

// bernoulliTables is the probability table of a Bernoulli model.
type bernoulliTables struct{ prob []uint16 }

func (t *bernoulliTables) AppendSection(b []byte) []byte {
	return (&v1Tables{prob: t.prob}).append(b)
}

func (t *bernoulliTables) NewCoder(a *Arch, slots int) LikCoder {
	c := &bernoulliCoder{t: t, R: a.RecordSize}
	c.Reserve(slots)
	return c
}

// bernoulliCoder holds P(1) of every byte of a batch.
type bernoulliCoder struct {
	t     *bernoulliTables
	R     int
	probs []uint16 // slots x R
}

func (c *bernoulliCoder) Reserve(slots int) {
	if len(c.probs) < slots*c.R {
		c.probs = make([]uint16, slots*c.R)
	}
}

func (c *bernoulliCoder) SetParams(slot int, out []int32) {
	last := int32(len(c.t.prob) - 1)
	pr := c.probs[slot*c.R : (slot+1)*c.R]
	for i, t := range out[:c.R] {
		pr[i] = c.t.prob[min(max(t, 0), last)]
	}
}

func (c *bernoulliCoder) Push(m *ans.Message, lane, slot int, rec []byte) {
	ans.PushBernoulli(m, lane, rec, c.probs[slot*c.R:(slot+1)*c.R], BernoulliPrec)
}

func (c *bernoulliCoder) Pop(m *ans.Message, lane, slot int, rec []byte) {
	ans.PopBernoulli(m, lane, c.probs[slot*c.R:(slot+1)*c.R], BernoulliPrec, rec)
}

func (c *bernoulliCoder) Cost(slot int, rec []byte, f func(freq uint32, prec uint)) {
	bitCosts(rec, c.probs[slot*c.R:(slot+1)*c.R], f)
}

// bitCosts calls f with the frequency of every bit of rec, P(1) = probs.
func bitCosts(rec []byte, probs []uint16, f func(freq uint32, prec uint)) {
	for i, v := range rec {
		f(bitFreq(v, probs[i]), BernoulliPrec)
	}
}

// bitFreq is the frequency (units of 2^-16) of bit with P(1) = p.
func bitFreq(bit uint8, p uint16) uint32 {
	if bit == 0 {
		return 1<<BernoulliPrec - uint32(p)
	}
	return uint32(p)
}

// The float path.

func (bernoulliFamily) InputScale() float32        { return 1 }
func (bernoulliFamily) Base() Likelihood           { return 0 }
func (bernoulliFamily) NewFloat(*Arch) [][]float32 { return nil }
func (bernoulliFamily) CheckFloat(_ *Arch, tabs [][]float32) error {
	return checkFloatTables(tabs, nil)
}

func (bernoulliFamily) NLL(_ *Arch, _ [][]float32, out []float32, rec []byte, dout []float32, _ [][]float32) float64 {
	return bernoulliNLL(out, rec, dout)
}

func (bernoulliFamily) OutputUnit(*Arch, int) (unit, shift float64) {
	return probLogitStep, probLogitMax
}

func (bernoulliFamily) Quantize(*Arch, [][]float32, uint) (Tables, uint, error) {
	n := 2*probLogitMax*probLogitStep + 1
	t := make([]uint16, n)
	for i := range n {
		t[i] = probQ16(sigmoid(float64(i)/probLogitStep - probLogitMax))
	}
	return &bernoulliTables{prob: t}, BernoulliPrec, nil
}

// probQ16 rounds a probability to units of 2^-16 within [1, 2^16-1].
func probQ16(p float64) uint16 {
	return uint16(min(max(math.Round(p*(1<<BernoulliPrec)), 1), 1<<BernoulliPrec-1))
}

// bernoulliNLL returns -log p(x|logits) in nats for one record and sets
// dl to its gradient with respect to the logits.
func bernoulliNLL(logits []float32, x []byte, dl []float32) float64 {
	var s float64
	for i, l := range logits {
		lf := float64(l)
		t := float64(x[i] & 1)
		s += softplus(lf) - t*lf
		if dl != nil {
			dl[i] = float32(sigmoid(lf) - t)
		}
	}
	return s
}
