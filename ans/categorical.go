package ans

import (
	"errors"
	"fmt"
	"sort"
)

// MaxDirectLookupPrecision is the largest precision at which a Categorical
// finds the symbol of a slot with a direct table (2^prec entries); above it,
// pops use binary search over the cumulative frequencies.
const MaxDirectLookupPrecision = 12

// Categorical codes symbols 0..n-1 with fixed integer frequencies that sum
// to 2^prec. Every frequency must be at least 1, so every symbol can be
// coded (SPEC.md, "Determinism").
type Categorical struct {
	prec   uint
	cdf    []uint32 // cdf[s] = sum of freqs[:s]; cdf[n] = 2^prec
	lookup []uint16 // slot -> symbol, when prec <= MaxDirectLookupPrecision
	enc    []catEnc // per symbol: what a push needs, without a division
}

// catEnc is what a symbol's push needs: its reciprocal (recip.go), start,
// c = 2^prec - freq, and the renormalisation bound freq << (63-prec).
type catEnc struct {
	r               recip
	start, c, bound uint64
}

// NewCategorical builds the codec for the given frequencies, which must
// number between 1 and 65536, each be at least 1, and sum to 2^prec with
// prec in [1, 24].
func NewCategorical(freqs []uint32, prec uint) (*Categorical, error) {
	if prec < 1 || prec > 24 {
		return nil, fmt.Errorf("ans: categorical precision %d outside [1, 24]", prec)
	}
	if len(freqs) < 1 || len(freqs) > 1<<16 {
		return nil, fmt.Errorf("ans: categorical over %d symbols, outside [1, 65536]", len(freqs))
	}
	c := &Categorical{prec: prec, cdf: make([]uint32, len(freqs)+1)}
	var sum uint64
	for s, f := range freqs {
		if f == 0 {
			return nil, fmt.Errorf("ans: categorical symbol %d has frequency 0", s)
		}
		sum += uint64(f)
		if sum > 1<<prec {
			return nil, errors.New("ans: categorical frequencies sum to more than 2^prec")
		}
		c.cdf[s+1] = uint32(sum)
	}
	if sum != 1<<prec {
		return nil, fmt.Errorf("ans: categorical frequencies sum to %d, not 2^%d", sum, prec)
	}
	c.enc = make([]catEnc, len(freqs))
	for s, f := range freqs {
		c.enc[s] = catEnc{r: newRecip(f), start: uint64(c.cdf[s]),
			c: uint64(1)<<prec - uint64(f), bound: uint64(f) << (63 - prec)}
	}
	if prec <= MaxDirectLookupPrecision {
		c.lookup = make([]uint16, 1<<prec)
		for s := range freqs {
			for i := c.cdf[s]; i < c.cdf[s+1]; i++ {
				c.lookup[i] = uint16(s)
			}
		}
	}
	return c, nil
}

// N returns the number of symbols.
func (c *Categorical) N() int { return len(c.cdf) - 1 }

// Precision returns the precision of the frequencies.
func (c *Categorical) Precision() uint { return c.prec }

// Interval returns the interval of symbol s.
func (c *Categorical) Interval(s int) (start, freq uint32) {
	return c.cdf[s], c.cdf[s+1] - c.cdf[s]
}

// symbol returns the symbol whose interval holds slot.
func (c *Categorical) symbol(slot uint32) int {
	if c.lookup != nil {
		return int(c.lookup[slot])
	}
	// The first s with cdf[s+1] > slot.
	return sort.Search(len(c.cdf)-1, func(s int) bool { return c.cdf[s+1] > slot })
}

// Push pushes symbol s onto lane.
func (c *Categorical) Push(m *Message, lane, s int) {
	e := &c.enc[s]
	m.head[lane] = e.push(m, m.head[lane])
}

// push is Message.Push of the symbol on head x, by its reciprocal.
func (e *catEnc) push(m *Message, x uint64) uint64 {
	if x >= e.bound {
		m.pushWord(uint32(x))
		x >>= 32
	}
	return e.r.push(x, e.start, e.c)
}

// Pop pops a symbol from lane.
func (c *Categorical) Pop(m *Message, lane int) int {
	s := c.symbol(m.Peek(lane, c.prec))
	m.Pop(lane, c.cdf[s], c.cdf[s+1]-c.cdf[s], c.prec)
	return s
}

// PushBytes pushes the symbols syms onto lane, the last first, so that
// PopBytes returns them in index order. The codec must have at most 256
// symbols.
func (c *Categorical) PushBytes(m *Message, lane int, syms []byte) {
	if c.N() > 256 {
		panic("ans: PushBytes on a categorical over more than 256 symbols")
	}
	enc := c.enc
	x := m.head[lane]
	for i := len(syms) - 1; i >= 0; i-- {
		x = enc[syms[i]].push(m, x) // panics by index if syms[i] >= N()
	}
	m.head[lane] = x
}

// PopBytes pops len(syms) symbols from lane into syms, in index order.
func (c *Categorical) PopBytes(m *Message, lane int, syms []byte) {
	if c.N() > 256 {
		panic("ans: PopBytes on a categorical over more than 256 symbols")
	}
	cdf := c.cdf
	prec := c.prec
	mask := uint64(1)<<prec - 1
	x := m.head[lane]
	for i := range syms {
		slot := x & mask
		s := c.symbol(uint32(slot))
		start := uint64(cdf[s])
		freq := uint64(cdf[s+1]) - start
		x = freq*(x>>prec) + slot - start
		if x < headLow {
			x = x<<32 | uint64(m.popWord())
		}
		syms[i] = byte(s)
	}
	m.head[lane] = x
}
