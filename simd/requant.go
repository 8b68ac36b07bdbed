package simd

import (
	"errors"
	"fmt"
	"math"
)

// MaxShift is the largest shift a Requant accepts: the product of an int32
// accumulator and an int32 multiplier plus 1<<(shift-1) must fit int64.
const MaxShift = 62

// Requant maps int32 accumulators to activations with per-output-row
// fixed-point scales mult[n] * 2^-shift[n]:
//
//	y = clamp((int64(acc)*int64(mult[n]) + r) >> shift[n], lo, hi)
//
// with r = 1<<(shift[n]-1) (round half up) or 0 when shift[n] is 0, and >>
// arithmetic (floor). It is immutable and safe for concurrent use.
type Requant struct {
	n      int
	mult   []int64 // widened once, so the kernels multiply int64 by int64
	shift  []uint64
	round  []int64
	sbias  []int64 // 1<<63 >> shift (logical), for shifts without VPSRAQ
	lo, hi int32
}

// NewRequant validates and prepares a requantisation: len(mult) ==
// len(shift) (one per output row), shift[n] <= MaxShift, lo <= hi. For
// activations feeding the next layer use lo >= 0 and hi <= 255 (lo = 0 is
// a ReLU).
func NewRequant(mult []int32, shift []uint8, lo, hi int32) (*Requant, error) {
	if len(mult) != len(shift) {
		return nil, fmt.Errorf("simd: requant with %d multipliers and %d shifts", len(mult), len(shift))
	}
	if lo > hi {
		return nil, fmt.Errorf("simd: requant clamp range %d..%d is empty", lo, hi)
	}
	q := &Requant{n: len(mult), lo: lo, hi: hi,
		mult: make([]int64, len(mult)), shift: make([]uint64, len(mult)), round: make([]int64, len(mult)),
		sbias: make([]int64, len(mult))}
	for i, m := range mult {
		s := shift[i]
		if s > MaxShift {
			return nil, fmt.Errorf("simd: requant shift %d > %d", s, MaxShift)
		}
		q.mult[i], q.shift[i] = int64(m), uint64(s)
		q.sbias[i] = int64(uint64(1<<63) >> s)
		if s > 0 {
			q.round[i] = 1 << (s - 1)
		}
	}
	return q, nil
}

// N returns the number of output rows q applies to.
func (q *Requant) N() int { return q.n }

// Range returns the clamp range.
func (q *Requant) Range() (lo, hi int32) { return q.lo, q.hi }

// ErrScale reports a scale QuantizeMultiplier cannot represent.
var ErrScale = errors.New("simd: scale not representable as int32 * 2^-shift")

// QuantizeMultiplier returns (mult, shift) with mult * 2^-shift as close to
// scale as 31 bits allow: mult in [2^30, 2^31) unless the shift limit
// forces it smaller. Scales in (0, 2^31) are accepted, and 0 gives (0, 0).
// It uses floats and is meant for model building; store its results.
func QuantizeMultiplier(scale float64) (mult int32, shift uint8, err error) {
	if scale == 0 {
		return 0, 0, nil
	}
	if !(scale > 0) || scale >= 1<<31 || math.IsInf(scale, 0) {
		return 0, 0, ErrScale
	}
	_, exp := math.Frexp(scale) // scale = frac * 2^exp, frac in [0.5, 1)
	s := 31 - exp               // mult = frac * 2^31 in [2^30, 2^31)
	if s > MaxShift {
		s = MaxShift
	}
	if s < 0 {
		return 0, 0, ErrScale
	}
	m := math.Round(math.Ldexp(scale, s))
	if m >= 1<<31 { // frac rounded up to 1.0
		if s == 0 {
			return 0, 0, ErrScale
		}
		m /= 2
		s--
	}
	if m == 0 {
		return 0, 0, ErrScale
	}
	return int32(m), uint8(s), nil
}

// Requantize maps batch rows of q.N() accumulators to uint8 activations:
// out[b*N+n] = clamp((acc[b*N+n]*mult[n] + r) >> shift[n], lo, hi). The
// clamp range of q must lie inside 0..255. It panics on a length mismatch.
func Requantize(out []uint8, acc []int32, batch int, q *Requant) {
	checkRequant(q, q.n)
	if q.lo < 0 || q.hi > 255 || batch < 0 || len(out) < batch*q.n || len(acc) < batch*q.n {
		panic(fmt.Sprintf("simd: Requantize of batch %d x %d, range %d..%d, %d accumulators into %d bytes",
			batch, q.n, q.lo, q.hi, len(acc), len(out)))
	}
	requantize(Current(), out, acc, batch, q)
}

// RequantizeInt32 is Requantize into int32 outputs; out may be acc.
func RequantizeInt32(out, acc []int32, batch int, q *Requant) {
	checkRequant(q, q.n)
	if batch < 0 || len(out) < batch*q.n || len(acc) < batch*q.n {
		panic(fmt.Sprintf("simd: RequantizeInt32 of batch %d x %d, %d accumulators into %d",
			batch, q.n, len(acc), len(out)))
	}
	requantizeInt32(Current(), out, acc, batch, q)
}

func checkRequant(q *Requant, n int) {
	if q == nil {
		panic("simd: nil Requant")
	}
	if q.n != n {
		panic(fmt.Sprintf("simd: requant for %d rows used on %d", q.n, n))
	}
}

func requantize(l Level, out []uint8, acc []int32, batch int, q *Requant) {
	if l == Generic || !requantizeArch(l, out, acc, batch, q) {
		requantizeGeneric(out, acc, batch, q)
	}
}

func requantizeInt32(l Level, out, acc []int32, batch int, q *Requant) {
	if l == Generic || !requantizeInt32Arch(l, out, acc, batch, q) {
		requantizeInt32Generic(out, acc, batch, q)
	}
}
