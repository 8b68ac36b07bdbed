package ans

import (
	"math/bits"
	"sync"
)

// Push without division (the reciprocal of ryg_rans rans64.h, after
// Alverson, "Integer division using reciprocals", 1991).
//
// Push computes x' = (x div f)·2^prec + (x mod f) + start for a head
// x < 2^63 (after renormalisation) and a frequency f in [1, 2^31]. Since
// x mod f = x - (x div f)·f, that is
//
//	x' = x + start + q·(2^prec - f),   q = x div f,
//
// so only q needs a division. For f >= 2 let l = ceil(log2 f), so that
// 2^(l-1) < f <= 2^l, and
//
//	m = ceil(2^(63+l) / f) = (2^(63+l) + e) / f   with 0 <= e < f.
//
// Then floor(x·m / 2^(63+l)) = q for every x < 2^63. Proof: write
// x = q·f + r with 0 <= r <= f-1; then
//
//	x·m / 2^(63+l) = x/f + x·e/(f·2^(63+l)) = q + (r + x·e/2^(63+l)) / f,
//
// and x·e/2^(63+l) < 2^63·2^l/2^(63+l) = 1 because e < f <= 2^l, so the
// fraction (r + x·e/2^(63+l))/f is below (f-1+1)/f = 1 and the floor is q.
// m fits 64 bits: 2^(63+l)/f < 2^64 because f > 2^(l-1), and ceil does not
// reach 2^64 because 2^64 - 2^(63+l)/f = 2^64·(f - 2^(l-1))/f >= 2^64/f > 1.
// The floor is the high word of the 128-bit product x·m shifted right by
// l-1, a multiply and a shift instead of a division:
//
//	q = hi64(x·m) >> (l-1).
//
// f = 1 (l = 0) has no such m below 2^64. There rans64.h takes m = 2^64-1
// and shift 0, which gives hi64(x·m) = x - 1 for 1 <= x < 2^64, one short
// of q = x; the missing 1·(2^prec - f) is added as a constant:
//
//	x' = x + start + (x-1)·(2^prec - 1) + (2^prec - 1) = x·2^prec + start.
//
// So with c = 2^prec - f, every push is x' = x + start + (hi64(x·m)>>s
// + [f = 1])·c, in wrapping uint64 arithmetic (the exact result is below
// 2^63, so wrapping intermediate sums do not change it): a multiply for
// the high word, a shift, a multiply by c and two additions.

// recip is the reciprocal of a frequency f: q = hi64(x·m) >> s is x div f
// for f >= 2 and x-1 for f = 1, for every x < 2^63; one is 1 for f = 1,
// else 0.
type recip struct {
	m      uint64
	s, one uint32
}

// newRecip returns the reciprocal of f in [1, 2^32).
func newRecip(f uint32) recip {
	if f == 1 {
		return recip{m: ^uint64(0), one: 1}
	}
	l := uint(bits.Len32(f - 1)) // ceil(log2 f), f >= 2
	// m = floor((2^(63+l) + f - 1) / f); the numerator's high word 2^(l-1)
	// is below f, as Div64 needs.
	m, _ := bits.Div64(1<<(l-1), uint64(f-1), uint64(f))
	return recip{m: m, s: uint32(l - 1)}
}

// push is the push of [Message.Push] by the reciprocal of f on a head x
// that renormalisation has brought below f·2^(63-prec), with c = 2^prec - f:
// x + start + (q + one)·c.
func (r *recip) push(x, start, c uint64) uint64 {
	hi, _ := bits.Mul64(x, r.m)
	return x + start + (hi>>(r.s&63)+uint64(r.one))*c
}

// Message.Push keeps the division: its frequency changes with every call,
// and a reciprocal made on the fly costs a 128-by-64-bit division of its
// own, which measured no faster than the one it replaces
// (BenchmarkBernoulli: naive-reciprocal against naive).

// The Bernoulli coder's frequencies change with every bit but are below
// 2^MaxBernoulliPrecision (both probabilities are at least 1), so their
// reciprocals come from one table of that many entries, filled on first
// use (16 bytes an entry: 1 MiB; entry 0 is unused). The look-up depends on
// the probability, not on the head, so it overlaps the previous push.
var (
	bernoulliRecipOnce sync.Once
	bernoulliRecip     *[1 << MaxBernoulliPrecision]recip
)

func bernoulliRecips() *[1 << MaxBernoulliPrecision]recip {
	bernoulliRecipOnce.Do(func() {
		t := new([1 << MaxBernoulliPrecision]recip)
		for f := 1; f < len(t); f++ {
			t[f] = newRecip(uint32(f))
		}
		bernoulliRecip = t
	})
	return bernoulliRecip
}
