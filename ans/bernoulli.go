package ans

import "fmt"

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
// chooses the interval without branches and allocates nothing unless the
// tail must grow.
func PushBernoulli(m *Message, lane int, bits []byte, probs []uint16, prec uint) {
	checkBernoulli(len(bits), len(probs), prec)
	x := m.head[lane]
	one := uint64(1) << prec
	shift := 63 - prec
	var bad byte
	for i := len(bits) - 1; i >= 0; i-- {
		p := uint64(probs[i])
		b := bits[i]
		bad |= b
		if p-1 >= one-1 {
			badProb(probs[i], prec)
		}
		s := uint64(b & 1)
		// s=1: [one-p, one); s=0: [0, one-p).
		q := one - p
		start := s * q
		freq := q + s*(p-q)
		if x >= freq<<shift {
			m.pushWord(uint32(x))
			x >>= 32
		}
		x = (x/freq)<<prec + x%freq + start
	}
	m.head[lane] = x
	if bad > 1 {
		panic("ans: PushBernoulli of a byte other than 0 or 1")
	}
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
			badProb(probs[i], prec)
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

func badProb(p uint16, prec uint) {
	panic(fmt.Sprintf("ans: Bernoulli probability %d outside [1, 2^%d-1]", p, prec))
}
