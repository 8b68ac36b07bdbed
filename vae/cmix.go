package vae

// The adaptive context-mixing likelihood (CMix, SPEC.md section 3.6): a
// model without nets whose probabilities come from package cmix, primed on
// training records, reset at each chunk and adapting as records are
// decoded. Each record's decisions are coded with the Bernoulli codec at
// BernoulliPrec.

import (
	"fmt"

	"github.com/bbans/bbans/vae/dataset"

	"github.com/bbans/bbans/ans"
	"github.com/bbans/bbans/vae/cmix"
)

// CMix codes records of any shape and any set of byte values with an
// adaptive context-mixing model (package cmix) and no latent.
const CMix Likelihood = 6

func init() { RegisterLikelihood(CMix, cmixFamily{}) }

type cmixFamily struct{}

func (cmixFamily) Name() string       { return "cmix" }
func (cmixFamily) Alphabet() int      { return 256 }
func (cmixFamily) MaxComponents() int { return 1 }
func (cmixFamily) Params(*Arch) int   { return 0 }

// maxCMixSection bounds the model bytes Parse accepts (the largest primed
// state compresses far below it).
const maxCMixSection = 1 << 28

// Parse reads the section: a u32 length, then the cmix model's bytes.
func (cmixFamily) Parse(s *Section, a *Arch, likPrec uint) (Tables, error) {
	if err := checkLikPrec("cmix", likPrec, BernoulliPrec); err != nil {
		return nil, err
	}
	n, err := s.U32()
	if err != nil {
		return nil, err
	}
	if n > maxCMixSection {
		return nil, fmt.Errorf("cmix section of %d bytes", n)
	}
	b, err := s.Bytes(int(n))
	if err != nil {
		return nil, err
	}
	m, err := cmix.Unmarshal(b)
	if err != nil {
		return nil, err
	}
	p := m.Params()
	if s := (dataset.Shape{W: p.W, H: p.H, C: p.C}); s != a.RecordShape() {
		return nil, fmt.Errorf("cmix model of %v records in a model of shape %v", s, a.RecordShape())
	}
	return &cmixTables{m: m, raw: append([]byte(nil), b...)}, nil
}

type cmixTables struct {
	m   *cmix.Model
	raw []byte
}

// NewCMix returns a model (no nets, no latent) for the primed cmix model m.
func NewCMix(m *cmix.Model, description string) (*Model, error) {
	raw, err := m.MarshalBinary()
	if err != nil {
		return nil, err
	}
	p := m.Params()
	a := Arch{RecordSize: p.RecordSize(), Shape: dataset.Shape{W: p.W, H: p.H, C: p.C}, Likelihood: CMix, Components: 1}
	return NewModel(a, BernoulliPrec, &cmixTables{m: m, raw: raw}, nil, description)
}

func (t *cmixTables) AppendSection(b []byte) []byte {
	b = append(b, byte(len(t.raw)), byte(len(t.raw)>>8), byte(len(t.raw)>>16), byte(len(t.raw)>>24))
	return append(b, t.raw...)
}

// Codable reports whether every byte of rec is one of the model's levels.
// StateBytes is what each coder allocates (counted by ScratchBytes, so
// that an embedded model's tables are refused before they are made).
func (t *cmixTables) StateBytes() int64 { return t.m.CoderBytes() }

func (t *cmixTables) Codable(rec []byte) bool { return t.m.Codable(rec) }

func (t *cmixTables) NewCoder(a *Arch, slots int) LikCoder {
	return &cmixCoder{c: t.m.NewCoder()}
}

// cmixCoder codes with one cmix.Coder. The decoder (and Cost) adapts as it
// pops; the encoder runs the decoder's walk over the whole chunk in
// ChunkStart and keeps each record's decisions, which Push then pushes in
// the reverse order.
type cmixCoder struct {
	c *cmix.Coder

	order []([]byte)
	start []int // record i's decisions are bits[start[i]:start[i+1]]
	bits  []byte
	probs []uint16
	next  int

	pop       cmixPopper
	costBits  []byte
	costProbs []uint16
}

func (c *cmixCoder) ChunkStart(order [][]byte) {
	c.c.Reset()
	c.order, c.start, c.bits, c.probs = order, c.start[:0], c.bits[:0], c.probs[:0]
	if order == nil {
		return
	}
	for _, rec := range order {
		c.start = append(c.start, len(c.bits))
		c.bits, c.probs = c.c.Encode(rec, c.bits, c.probs)
	}
	c.start = append(c.start, len(c.bits))
	c.next = len(order) - 1
	c.c.Reset()
}

func (c *cmixCoder) Reserve(int)            {}
func (c *cmixCoder) SetParams(int, []int32) {}

func (c *cmixCoder) Push(m *ans.Message, lane, _ int, rec []byte) {
	if c.next < 0 || len(rec) == 0 || &c.order[c.next][0] != &rec[0] {
		panic("vae: cmix Push of a record out of the decode order ChunkStart gave")
	}
	i := c.next
	c.next--
	s, e := c.start[i], c.start[i+1]
	ans.PushBernoulli(m, lane, c.bits[s:e], c.probs[s:e], BernoulliPrec)
}

type cmixPopper struct {
	m    *ans.Message
	lane int
	p    [1]uint16
	b    [1]byte
}

func (p *cmixPopper) DecodeBit(p1 uint16) uint8 {
	p.p[0] = p1
	ans.PopBernoulli(p.m, p.lane, p.p[:], BernoulliPrec, p.b[:])
	return p.b[0]
}

func (c *cmixCoder) Pop(m *ans.Message, lane, _ int, rec []byte) {
	c.pop.m, c.pop.lane = m, lane
	c.c.Decode(rec, &c.pop)
	c.pop.m = nil
}

func (c *cmixCoder) Cost(_ int, rec []byte, f func(freq uint32, prec uint)) {
	c.costBits, c.costProbs = c.c.Encode(rec, c.costBits[:0], c.costProbs[:0])
	for k, b := range c.costBits {
		f(bitFreq(b, c.costProbs[k]), BernoulliPrec)
	}
}

// CMixModel returns the adaptive context-mixing model of a CMix model, and
// nil for a model of another likelihood (for tools that measure it, such as
// its code length with adaptation off).
func (m *Model) CMixModel() *cmix.Model {
	if t, ok := m.Lik.(*cmixTables); ok {
		return t.m
	}
	return nil
}
