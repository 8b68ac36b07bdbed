package vae

import (
	"encoding/binary"
	"fmt"
)

func (cmFamily) Parse(s *Section, a *Arch, likPrec uint) (Tables, error) {
	if err := checkLikPrec("Bernoulli", likPrec, BernoulliPrec); err != nil {
		return nil, err
	}
	if _, err := s.v1Tables("context-mix", false, false, a.Components); err != nil {
		return nil, err
	}
	return s.cmTables()
}

// AppendSection appends a ContextMix model's tables (SPEC.md section
// 3.5) after four empty version-1 tables: the squash table, the mixing
// weights and the five context tables, each entry as the varint gap to
// the previous key (ctx·256 + node) minus one and the int8 logit.
func (l *cmLik) AppendSection(b []byte) []byte {
	b = (&v1Tables{}).append(b)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(l.squash)))
	b = AppendU16s(b, l.squash)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(l.weights)))
	b = AppendI32s(b, l.weights)
	for _, es := range l.tables {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(es)))
		next := uint64(0)
		for _, e := range es {
			key := e.Ctx<<8 | uint64(e.Node)
			b = binary.AppendUvarint(b, key-next)
			b = append(b, byte(e.B))
			next = key + 1
		}
	}
	return b
}

// cmTables reads and checks what AppendSection wrote after the version-1
// tables.
func (p *Section) cmTables() (*cmLik, error) {
	n, err := p.Count(2)
	if err != nil {
		return nil, err
	}
	if n != cmSquashLen {
		return nil, fmt.Errorf("squash table of %d entries, want %d", n, cmSquashLen)
	}
	squash, err := p.U16s(n)
	if err != nil {
		return nil, err
	}
	for i, v := range squash {
		if v < 1 || i > 0 && v < squash[i-1] {
			return nil, fmt.Errorf("squash table not non-decreasing within [1, 2^16-1]")
		}
	}
	if n, err = p.Count(4); err != nil {
		return nil, err
	}
	if n != cmWeights {
		return nil, fmt.Errorf("%d mixing weights, want %d", n, cmWeights)
	}
	weights, err := p.I32s(n)
	if err != nil {
		return nil, err
	}
	for _, w := range weights {
		if w < -cmWeightMax || w > cmWeightMax {
			return nil, fmt.Errorf("mixing weight %d outside [-2^24, 2^24]", w)
		}
	}
	var tables [cmLevels][]CMEntry
	ctxBits := uint(0)
	for l := range cmLevels {
		ctxBits += cmContextBits[l]
		if n, err = p.Count(2); err != nil {
			return nil, err
		}
		if l == 0 && n != cmNodes {
			return nil, fmt.Errorf("context table 0 of %d entries, want %d", n, cmNodes)
		}
		es := make([]CMEntry, n)
		next, limit := uint64(0), uint64(1)<<(ctxBits+8)
		for i := range es {
			gap, k := binary.Uvarint(p.b[p.off:])
			// A uvarint that ends in a zero byte (other than 0 itself) has
			// a shorter form: refused, so that every model has one file.
			if k <= 0 || gap >= limit || k > 1 && p.b[p.off+k-1] == 0 {
				return nil, fmt.Errorf("context table %d: bad key at entry %d", l, i)
			}
			p.off += k
			key := next + gap
			if key >= limit {
				return nil, fmt.Errorf("context table %d: key %d beyond %d contexts", l, key, limit>>8)
			}
			b, err := p.U8()
			if err != nil {
				return nil, err
			}
			es[i] = CMEntry{Ctx: key >> 8, Node: uint8(key), B: int8(b)}
			next = key + 1
		}
		tables[l] = es
	}
	return newCMLik(squash, weights, tables), nil
}
