package vae

import (
	"encoding/binary"
	"fmt"
)

// appendCM appends a ContextMix model's tables (SPEC.md section 3.5):
// the squash table, the mixing weights and the five context tables, each
// entry as the varint gap to the previous key (ctx·256 + node) minus one
// and the int8 logit.
func appendCM(b []byte, m *Model) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(m.CMSquash)))
	for _, v := range m.CMSquash {
		b = binary.LittleEndian.AppendUint16(b, v)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(m.CMWeights)))
	b = appendI32s(b, m.CMWeights)
	for _, es := range m.CMTables {
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

// cmTables reads and checks what appendCM wrote.
func (p *parser) cmTables(m *Model) error {
	n, err := p.count(2)
	if err != nil {
		return err
	}
	if n != cmSquashLen {
		return fmt.Errorf("squash table of %d entries, want %d", n, cmSquashLen)
	}
	s, err := p.need(2 * n)
	if err != nil {
		return err
	}
	m.CMSquash = make([]uint16, n)
	for i := range n {
		v := binary.LittleEndian.Uint16(s[2*i:])
		if v < 1 || i > 0 && v < m.CMSquash[i-1] {
			return fmt.Errorf("squash table not non-decreasing within [1, 2^16-1]")
		}
		m.CMSquash[i] = v
	}
	if n, err = p.count(4); err != nil {
		return err
	}
	if n != cmWeights {
		return fmt.Errorf("%d mixing weights, want %d", n, cmWeights)
	}
	if m.CMWeights, err = p.i32s(n); err != nil {
		return err
	}
	for _, w := range m.CMWeights {
		if w < -cmWeightMax || w > cmWeightMax {
			return fmt.Errorf("mixing weight %d outside [-2^24, 2^24]", w)
		}
	}
	ctxBits := uint(0)
	for l := range cmLevels {
		ctxBits += cmContextBits[l]
		if n, err = p.count(2); err != nil {
			return err
		}
		if l == 0 && n != cmNodes {
			return fmt.Errorf("context table 0 of %d entries, want %d", n, cmNodes)
		}
		es := make([]CMEntry, n)
		next, limit := uint64(0), uint64(1)<<(ctxBits+8)
		for i := range es {
			gap, k := binary.Uvarint(p.b[p.off:])
			// A uvarint that ends in a zero byte (other than 0 itself) has
			// a shorter form: refused, so that every model has one file.
			if k <= 0 || gap >= limit || k > 1 && p.b[p.off+k-1] == 0 {
				return fmt.Errorf("context table %d: bad key at entry %d", l, i)
			}
			p.off += k
			key := next + gap
			if key >= limit {
				return fmt.Errorf("context table %d: key %d beyond %d contexts", l, key, limit>>8)
			}
			b, err := p.u8()
			if err != nil {
				return err
			}
			es[i] = CMEntry{Ctx: key >> 8, Node: uint8(key), B: int8(b)}
			next = key + 1
		}
		m.CMTables[l] = es
	}
	return nil
}

// prepareCM builds the runtime tables of a ContextMix model.
func (m *Model) prepareCM() {
	m.cm = newCMModel(&m.CMTables, m.CMWeights, m.CMSquash)
}
