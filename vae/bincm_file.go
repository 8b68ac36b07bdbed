package vae

// The BinCM section of the model file (SPEC.md section 3.7): after four
// empty version-1 tables and the BernoulliAR table, the squash table, the
// count limit, and for each regime its mixing weights and its two primed
// counter tables, each table as the counters that differ from the initial
// one (the uvarint gap from the previous such index, then the u32
// counter).

import (
	"encoding/binary"
	"fmt"
)

func (bincmFamily) Parse(s *Section, a *Arch, likPrec uint) (Tables, error) {
	if err := checkLikPrec("Bernoulli", likPrec, BernoulliPrec); err != nil {
		return nil, err
	}
	if w := a.RecordShape().RowBytes(); w > bcmMaxWidth {
		return nil, fmt.Errorf("bernoulli-cm codes images at most %d pixels wide, not %d", bcmMaxWidth, w)
	}
	if _, err := s.v1Tables("bernoulli-cm", false, false, a.Components); err != nil {
		return nil, err
	}
	m := &bcmMix{}
	var err error
	if m.ar, err = s.arTable(); err != nil {
		return nil, err
	}
	n, err := s.Count(2)
	if err != nil {
		return nil, err
	}
	if n != bcmSqLen {
		return nil, fmt.Errorf("squash table of %d entries, want %d", n, bcmSqLen)
	}
	if m.squash, err = s.U16s(n); err != nil {
		return nil, err
	}
	for i, v := range m.squash {
		if v < 1 || i > 0 && v < m.squash[i-1] {
			return nil, fmt.Errorf("squash table not non-decreasing within [1, 2^16-1]")
		}
	}
	if m.limit, err = s.U32(); err != nil {
		return nil, err
	}
	if m.limit > bcmMaxLimit {
		return nil, fmt.Errorf("count limit %d above %d", m.limit, bcmMaxLimit)
	}
	for r := range m.reg {
		if err := s.bcmParams(&m.reg[r]); err != nil {
			return nil, fmt.Errorf("regime %d: %w", r, err)
		}
	}
	m.derive()
	return &bcmTablesT{m: m}, nil
}

// bcmParams reads one regime's weights and primed counters.
func (p *Section) bcmParams(g *bcmParams) error {
	n, err := p.Count(4)
	if err != nil {
		return err
	}
	if n != bcmWeights {
		return fmt.Errorf("%d mixing weights, want %d", n, bcmWeights)
	}
	if g.weights, err = p.I32s(n); err != nil {
		return err
	}
	for _, w := range g.weights {
		if w < -bcmWeightMax || w > bcmWeightMax {
			return fmt.Errorf("mixing weight %d outside [-2^24, 2^24]", w)
		}
	}
	if g.primed2, err = p.bcmCounters(bcmBits2); err != nil {
		return fmt.Errorf("16-neighbour counters: %w", err)
	}
	if g.primed3, err = p.bcmCounters(bcmBits3); err != nil {
		return fmt.Errorf("20-neighbour counters: %w", err)
	}
	return nil
}

// bcmCounters reads a primed table of 2^bits counters.
func (p *Section) bcmCounters(bits uint) ([]uint32, error) {
	size := 1 << bits
	n, err := p.Count(5)
	if err != nil {
		return nil, err
	}
	if n > size {
		return nil, fmt.Errorf("%d entries in a table of %d", n, size)
	}
	t := make([]uint32, size)
	for i := range t {
		t[i] = bcmInit
	}
	next := uint64(0)
	for i := range n {
		gap, err := p.Uvarint()
		if err != nil {
			return nil, err
		}
		if gap >= uint64(size)-next {
			return nil, fmt.Errorf("entry %d beyond the table", i)
		}
		at := next + gap
		v, err := p.U32()
		if err != nil {
			return nil, err
		}
		if v&1023 > bcmMaxLimit || v == bcmInit {
			return nil, fmt.Errorf("entry %d: counter %#x", i, v)
		}
		t[at] = v
		next = at + 1
	}
	return t, nil
}

func (t *bcmTablesT) AppendSection(b []byte) []byte {
	m := t.m
	b = appendARTable((&v1Tables{}).append(b), m.ar)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(m.squash)))
	b = AppendU16s(b, m.squash)
	b = binary.LittleEndian.AppendUint32(b, m.limit)
	for _, g := range m.reg {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(g.weights)))
		b = AppendI32s(b, g.weights)
		b = appendBcmCounters(b, g.primed2)
		b = appendBcmCounters(b, g.primed3)
	}
	return b
}

// appendBcmCounters appends a counter table as bcmCounters reads it.
func appendBcmCounters(b []byte, c []uint32) []byte {
	n := 0
	for _, v := range c {
		if v != bcmInit {
			n++
		}
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	next := 0
	for i, v := range c {
		if v != bcmInit {
			b = binary.AppendUvarint(b, uint64(i-next))
			b = binary.LittleEndian.AppendUint32(b, v)
			next = i + 1
		}
	}
	return b
}
