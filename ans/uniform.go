package ans

import (
	"fmt"
	"math/bits"
)

// MaxUniform is the largest n that NewUniform accepts.
const MaxUniform = 1 << 24

// Uniform codes a symbol uniformly distributed over [0, n).
//
// When n is a power of two 2^k, symbol s is the interval [s, s+1) out of
// 2^k: exactly k bits. Otherwise it is [floor(s·2^31/n), floor((s+1)·2^31/n))
// out of 2^31; every interval then holds at least 2^31/n - 1 >= 127 slots,
// and the cost differs from log2(n) by less than log2(1+n/2^31) bits.
type Uniform struct {
	n    uint64
	prec uint
	pow2 bool
}

// NewUniform returns the uniform codec over [0, n). It panics unless
// 1 <= n <= MaxUniform.
func NewUniform(n int) Uniform {
	if n < 1 || n > MaxUniform {
		panic(fmt.Sprintf("ans: uniform over %d values, outside [1, %d]", n, MaxUniform))
	}
	u := Uniform{n: uint64(n)}
	if n&(n-1) == 0 {
		u.pow2 = true
		u.prec = uint(bits.TrailingZeros(uint(n)))
	} else {
		u.prec = MaxPrecision
	}
	return u
}

// N returns the number of values.
func (u Uniform) N() int { return int(u.n) }

// Interval returns the interval of s out of 2^Precision().
func (u Uniform) Interval(s int) (start, freq uint32) {
	if uint64(s) >= u.n {
		panic(fmt.Sprintf("ans: uniform symbol %d outside [0, %d)", s, u.n))
	}
	if u.pow2 {
		return uint32(s), 1
	}
	lo := uint64(s) << u.prec / u.n
	hi := (uint64(s) + 1) << u.prec / u.n
	return uint32(lo), uint32(hi - lo)
}

// Precision returns the precision of the intervals.
func (u Uniform) Precision() uint { return u.prec }

// Push pushes s onto lane.
func (u Uniform) Push(m *Message, lane, s int) {
	if u.n == 1 {
		if s != 0 {
			panic(fmt.Sprintf("ans: uniform symbol %d outside [0, 1)", s))
		}
		return // one value carries no information
	}
	start, freq := u.Interval(s)
	m.Push(lane, start, freq, u.prec)
}

// Pop pops a symbol from lane.
func (u Uniform) Pop(m *Message, lane int) int {
	if u.n == 1 {
		return 0
	}
	slot := uint64(m.Peek(lane, u.prec))
	var s uint64
	if u.pow2 {
		s = slot
	} else {
		// The largest s with floor(s·2^p/n) <= slot is
		// ceil((slot+1)·n/2^p) - 1.
		s = ((slot+1)*u.n+(1<<u.prec)-1)>>u.prec - 1
	}
	start, freq := u.Interval(int(s))
	m.Pop(lane, start, freq, u.prec)
	return int(s)
}
