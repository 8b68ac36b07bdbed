package ans

import (
	"fmt"
	mathbits "math/bits"
)

// MaxBernoulliPrecision is the largest precision of Bernoulli probabilities.
const MaxBernoulliPrecision = 16

// PushBernoulli pushes the bits (each 0 or 1) onto lane, bit i with
// probability probs[i]/2^prec of being 1. Each probs[i] must lie in
// [1, 2^prec-1] and prec in [1, MaxBernoulliPrecision]. The bits are pushed
// from the last to the first, so that PopBernoulli returns them in index
// order: a decoder that needs bit i before it can compute probs[i+1] (an
// autoregressive model) can pop one at a time with PopBernoulli on
// one-element slices.
//
// Symbol 0 has the interval [0, 2^prec-p) and symbol 1 [2^prec-p, 2^prec).
// This is the hot loop of binarized images: it keeps the head in a register,
// chooses the interval without branches, multiplies by a tabulated
// reciprocal instead of dividing, and allocates nothing unless the tail
// must grow.
func PushBernoulli(m *Message, lane int, bits []byte, probs []uint16, prec uint) {
	checkBernoulli(len(bits), len(probs), prec)
	rcp := bernoulliRecips()
	one := uint64(1) << (prec & 63)
	x := m.head[lane]
	var check uint64
	i := len(bits) - 1
	for {
		// Push until a head must renormalise: the run makes no call, so
		// the compiler keeps its values in registers.
		var freq, start uint64
		x, i, freq, start, check = pushBernoulliRun(x, bits[:i+1], probs[:i+1], one, rcp, check)
		if i < 0 {
			break
		}
		m.pushWord(uint32(x))
		x = rcp[freq&(1<<MaxBernoulliPrecision-1)].push(x>>32, start, one-freq)
		i--
	}
	m.head[lane] = x
	if check>>63 != 0 {
		for _, p := range probs {
			if p-1 >= uint16(one-1) {
				badProb(uint64(p), one)
			}
		}
		panic("ans: PushBernoulli of a byte other than 0 or 1")
	}
}

// pushBernoulliRun pushes bits from the last down while the head needs no
// renormalisation, one = 2^prec. It returns the head, the index of the bit
// that needs one (-1 if none) with its interval, and check with bit 63 set
// if any probability was outside [1, one-1] or any bit other than 0 or 1.
func pushBernoulliRun(x uint64, bits []byte, probs []uint16, one uint64, rcp *[1 << MaxBernoulliPrecision]recip, check uint64) (uint64, int, uint64, uint64, uint64) {
	shift := (63 - uint(mathbits.TrailingZeros64(one))) & 63
	probs = probs[:len(bits)]
	for i := len(bits) - 1; i >= 0; i-- {
		p := uint64(probs[i])
		b := uint64(bits[i])
		// p-1 and one-1-p wrap to above 2^63 when p is out of range, and
		// 1-b when b > 1.
		check |= (p - 1) | (one - 1 - p) | (1 - b)
		// b=1: [one-p, one); b=0: [0, one-p).
		q := one - p
		start := b * q
		freq := q + b*(p-q)
		if x >= freq<<shift {
			return x, i, freq, start, check
		}
		// freq < 2^MaxBernoulliPrecision: the mask only proves it.
		x = rcp[freq&(1<<MaxBernoulliPrecision-1)].push(x, start, one-freq)
	}
	return x, -1, 0, 0, check
}

// PopBernoulli pops len(bits) bits from lane, bit i with probability
// probs[i]/2^prec of being 1, writing them to bits in index order. It is the
// inverse of PushBernoulli with the same probabilities.
func PopBernoulli(m *Message, lane int, probs []uint16, prec uint, bits []byte) {
	checkBernoulli(len(bits), len(probs), prec)
	x := m.head[lane]
	one := uint64(1) << prec
	mask := one - 1
	for i := range bits {
		p := uint64(probs[i])
		if p-1 >= one-1 {
			badProb(p, one)
		}
		q := one - p
		slot := x & mask
		var s uint64
		if slot >= q {
			s = 1
		}
		start := s * q
		freq := q + s*(p-q)
		x = freq*(x>>prec) + slot - start
		if x < headLow {
			x = x<<32 | uint64(m.popWord())
		}
		bits[i] = byte(s)
	}
	m.head[lane] = x
}

func checkBernoulli(nbits, nprobs int, prec uint) {
	if nbits != nprobs {
		panic(fmt.Sprintf("ans: %d bits but %d probabilities", nbits, nprobs))
	}
	if prec < 1 || prec > MaxBernoulliPrecision {
		panic(fmt.Sprintf("ans: Bernoulli precision %d outside [1, %d]", prec, MaxBernoulliPrecision))
	}
}

func badProb(p, one uint64) {
	panic(fmt.Sprintf("ans: Bernoulli probability %d outside [1, %d]", p, one-1))
}
