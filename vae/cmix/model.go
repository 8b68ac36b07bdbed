package cmix

import "math/bits"

// A Model is a set of parameters and the primed adaptive state. It is
// read-only once made; Coders share it.
type Model struct {
	p      Params
	index  [256]int16 // byte -> level index, -1 for a byte that is not a level
	q      [256]uint8 // level index -> 0..7 (coarse intensity)
	coarse uint       // level index >> coarse keeps 64 values at most
	tree   int        // decisions after the first for a nonzero index
	shift  uint       // 64 - TableBits
	lay    *layout
	lin    *linear // version 2: the fitted linear predictor
	fitted bool    // the predictor has been fitted (or read from a file)
	primed *state
}

// qEdges are the quantiser's edges on the 0..255 scale: q(v) is the number
// of edges <= v (v scaled to 0..255), so 0 and the extremes keep their own
// classes, as the ink and paper of scanned images need.
var qEdges = [7]int{1, 16, 64, 128, 192, 240, 253}

// New returns a model with the parameters p and the unprimed state.
func New(p Params) (*Model, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	p.Levels = append([]byte(nil), p.Levels...)
	m := &Model{p: p, tree: p.treeBits(), shift: 64 - p.TableBits, lay: layoutOf(p.Version)}
	if p.Version >= 2 {
		m.lin = &linear{w: make([]int32, p.C*linClasses*linInputs)}
	}
	for i := range m.index {
		m.index[i] = -1
	}
	L := len(p.Levels)
	for i, b := range p.Levels {
		m.index[b] = int16(i)
		v := i * 255 / (L - 1)
		for _, e := range qEdges {
			if v >= e {
				m.q[i]++
			}
		}
	}
	if n := bits.Len(uint(L - 1)); n > 6 {
		m.coarse = uint(n - 6)
	}
	m.primed = newState(m.lay, p.TableBits, p.C)
	return m, nil
}

// Params returns the model's parameters.
func (m *Model) Params() Params {
	p := m.p
	p.Levels = append([]byte(nil), p.Levels...)
	return p
}

// Codable reports whether every byte of rec is one of the model's levels
// (and rec has the model's record size).
func (m *Model) Codable(rec []byte) bool {
	if len(rec) != m.p.RecordSize() {
		return false
	}
	for _, b := range rec {
		if m.index[b] < 0 {
			return false
		}
	}
	return true
}

// Prime runs the model over the codable records of data (consecutive
// records of the model's record size), learning from each, passes times,
// and keeps the state reached as the state every Coder starts from. A
// version 2 model first fits its linear predictor to the records.
// progress, if not nil, is called after each record with the number of
// records done.
func (m *Model) Prime(data []byte, passes int, progress func(done int)) {
	if m.lin != nil && !(m.p.Version >= 3 && m.fitted) {
		// Version 3 fits once: priming again (on held-out records, say)
		// must not move the predictions the primed contexts were keyed by.
		m.fitLinear(data)
		m.fitted = true
	}
	c := m.NewCoder()
	size := m.p.RecordSize()
	done := 0
	var bits []byte
	var probs []uint16
	for pass := 0; pass < passes; pass++ {
		for off := 0; off+size <= len(data); off += size {
			rec := data[off : off+size]
			if m.Codable(rec) {
				bits, probs = c.Encode(rec, bits[:0], probs[:0])
			}
			done++
			if progress != nil {
				progress(done)
			}
		}
	}
	m.primed.copyFrom(c.s)
	m.primed.settle(m.lay, m.p.MinCount)
}

// settle drops the counters seen fewer than minCount times (back to the
// initial state: a context seen so rarely says little and costs room in
// the model file) and rounds the others to what the model file stores: a
// 16-bit probability and the count.
func (s *state) settle(l *layout, minCount int) {
	if l.checked {
		for i, v := range s.t {
			if int(v&255) < minCount {
				s.t[i] = counterInit
			}
		}
		return
	}
	for i, v := range s.t {
		if int(v&1023) < minCount {
			s.t[i] = counterInit
		} else {
			s.t[i] = storedCounter(uint16(v>>16), v&1023)
		}
	}
}

// storedCounter is the counter of 16-bit probability p (the middle of its
// range of 22-bit ones) seen n times.
func storedCounter(p uint16, n uint32) uint32 { return (uint32(p)<<6|32)<<10 | n }
