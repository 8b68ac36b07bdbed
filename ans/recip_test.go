package ans

import (
	"math/bits"
	"math/rand/v2"
	"testing"
)

// The pushes multiply by reciprocals (recip.go); these tests hold them to
// the specified arithmetic (SPEC.md section 1.2), which pushSpec spells
// out with a division.

// pushSpec is a push as SPEC.md section 1.2 states it: the new head, and
// the word moved to the tail if renormalisation moved one.
func pushSpec(x uint64, start, freq uint32, prec uint) (head uint64, word uint32, moved bool) {
	f := uint64(freq)
	if x >= f<<(63-prec) {
		word, moved = uint32(x), true
		x >>= 32
	}
	return (x/f)<<prec + x%f + uint64(start), word, moved
}

// pushOnTheFly is Message.Push with the reciprocal made for each push
// instead of the division: the benchmarks' evidence that Push is better off
// dividing.
func (m *Message) pushOnTheFly(lane int, start, freq uint32, prec uint) {
	checkInterval(start, freq, prec)
	x := m.head[lane]
	f := uint64(freq)
	if x >= f<<(63-prec) {
		m.pushWord(uint32(x))
		x >>= 32
	}
	r := newRecip(freq)
	m.head[lane] = r.push(x, uint64(start), 1<<prec-f)
}

// pushBernoulliDiv is PushBernoulli with the division of the
// specification: the baseline of the benchmarks and a second reference.
func pushBernoulliDiv(m *Message, lane int, bits []byte, probs []uint16, prec uint) {
	x := m.head[lane]
	one := uint64(1) << prec
	shift := 63 - prec
	for i := len(bits) - 1; i >= 0; i-- {
		p := uint64(probs[i])
		s := uint64(bits[i] & 1)
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
}

// criticalHeads returns heads in [2^31, 2^63) where a reciprocal is most
// likely to be off by one for frequency f at precision prec: the ends of
// the head interval, both sides of the renormalisation bound, and the
// largest heads of each side with remainder f-1 (where the reciprocal's
// error term is largest), plus a few random ones.
func criticalHeads(r *rand.Rand, f uint64, prec uint, out []uint64) []uint64 {
	out = out[:0]
	bound := f << (63 - prec)
	add := func(x uint64) {
		if x >= headLow && x < 1<<63 {
			out = append(out, x)
		}
	}
	add(headLow)
	add(headLow + 1)
	add(bound - 1)
	add(bound)
	add(bound + 1)
	add(1<<63 - 1)
	// Below the bound the head is divided as it is; above it, after >> 32.
	if bound > f {
		add((bound-1)/f*f - 1)
		add((bound-1)/f*f + f - 1)
	}
	hi := (uint64(1<<63-1) >> 32) / f * f // heads >> 32 just below 2^31
	add((hi+f-1)<<32 | 0xffffffff)
	add(hi<<32 - 1)
	for range 4 {
		add(headLow + r.Uint64N(1<<63-headLow))
	}
	return out
}

// checkPush compares a push through push with the specification on head x.
func checkPush(t *testing.T, name string, x uint64, start, freq uint32, prec uint, push func(m *Message)) {
	t.Helper()
	m := NewMessage(1)
	m.head[0] = x
	m.tail = append(m.tail, 7) // a word below, so nothing unborrows
	push(m)
	want, word, moved := pushSpec(x, start, freq, prec)
	if m.head[0] != want || len(m.tail) != 1+b2i(moved) || moved && m.tail[1] != word {
		t.Fatalf("%s: push of [%d, %d) at precision %d on head %#x: head %#x tail %v, want head %#x word %v %#x",
			name, start, start+freq, prec, x, m.head[0], m.tail[1:], want, moved, word)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestRecipQuotient checks q = hi64(x·m) >> s against x div f (and x-1 for
// f = 1) for every Bernoulli frequency and for frequencies up to 2^32-1
// around every power of two, on the heads where it could first fail.
func TestRecipQuotient(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 8))
	check := func(f uint32, x uint64) {
		rc := newRecip(f)
		hi, _ := bits.Mul64(x, rc.m)
		got := hi >> rc.s
		want := x / uint64(f)
		if f == 1 {
			want = x - 1
		}
		if rc.one != uint32(b2i(f == 1)) {
			t.Fatalf("f=%d: one = %d", f, rc.one)
		}
		if got != want {
			t.Fatalf("f=%d x=%#x: reciprocal quotient %d, want %d", f, x, got, want)
		}
		if f < 1<<MaxBernoulliPrecision && bernoulliRecips()[f] != rc {
			t.Fatalf("f=%d: Bernoulli table disagrees with newRecip", f)
		}
	}
	heads := func(f uint64) []uint64 {
		xs := []uint64{1, f - 1, f, f + 1, 2*f - 1, 1<<63 - 1, (1<<63-1)/f*f - 1, 1<<62 | 1<<61}
		for range 8 {
			xs = append(xs, r.Uint64N(1<<63))
			xs = append(xs, r.Uint64N((1<<63)/f)*f+f-1)
		}
		return xs
	}
	fs := []uint32{1<<32 - 1, 1<<32 - 2, 3, 5, 7, 0x55555555, 0xaaaaaaab}
	for l := range 32 {
		fs = append(fs, 1<<l, 1<<l+1, 1<<l-1, 1<<l+2)
	}
	for f := uint32(1); f < 1<<MaxBernoulliPrecision; f++ {
		fs = append(fs, f)
	}
	for range 10000 {
		fs = append(fs, 1+r.Uint32N(1<<32-1))
	}
	for _, f := range fs {
		if f == 0 {
			continue
		}
		for _, x := range heads(uint64(f)) {
			if x >= 1 && x < 1<<63 {
				check(f, x)
			}
		}
	}
}

// TestPushExhaustive pushes every interval [start, start+freq) at every
// precision up to 6 (8 without -short) onto the critical heads through
// Push, and through Categorical.Push and PushBytes (a categorical holding
// the interval as one of its symbols) every interval up to precision 6 and
// one start in 17 above, and compares the state with the specification.
func TestPushExhaustive(t *testing.T) {
	maxPrec := uint(8)
	if testing.Short() {
		maxPrec = 6
	}
	r := rand.New(rand.NewPCG(2, 8))
	var xs []uint64
	for prec := uint(1); prec <= maxPrec; prec++ {
		for freq := uint32(1); freq <= 1<<prec; freq++ {
			for start := uint32(0); start+freq <= 1<<prec; start++ {
				xs = criticalHeads(r, uint64(freq), prec, xs)
				for _, x := range xs {
					checkPush(t, "Push", x, start, freq, prec, func(m *Message) { m.Push(0, start, freq, prec) })
				}
				if prec > 6 && start%17 != 0 {
					continue // categoricals cost a table each: a sample of them
				}
				c := categoricalWith(start, freq, prec)
				sym := b2i(start > 0)
				for _, x := range xs {
					checkPush(t, "Categorical.Push", x, start, freq, prec, func(m *Message) { c.Push(m, 0, sym) })
					checkPush(t, "PushBytes", x, start, freq, prec, func(m *Message) { c.PushBytes(m, 0, []byte{byte(sym)}) })
				}
			}
		}
	}
}

// categoricalWith returns a categorical at precision prec whose symbol 0
// (start 0) or 1 (start > 0) is [start, start+freq); the rest of [0, 2^prec)
// is split among at most two other symbols.
func categoricalWith(start, freq uint32, prec uint) *Categorical {
	var fs []uint32
	if start > 0 {
		fs = append(fs, start)
	}
	fs = append(fs, freq)
	if rest := 1<<prec - start - freq; rest > 0 {
		fs = append(fs, rest)
	}
	c, err := NewCategorical(fs, prec)
	if err != nil {
		panic(err)
	}
	return c
}

// TestPushRandomLarge covers precisions 9..31 with random intervals, the
// largest frequencies of each precision, and critical heads.
func TestPushRandomLarge(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 8))
	n := 100000
	if testing.Short() {
		n = 5000
	}
	var xs []uint64
	for i := range n {
		prec := uint(9 + r.IntN(MaxPrecision-8))
		var freq uint32
		switch i % 4 {
		case 0:
			freq = 1 + r.Uint32N(1<<prec)
		case 1:
			freq = 1<<prec - r.Uint32N(4)
		case 2:
			freq = 1 + r.Uint32N(4)
		case 3:
			freq = 1 << r.IntN(int(prec)+1)
		}
		start := r.Uint32N(1<<prec - freq + 1)
		xs = criticalHeads(r, uint64(freq), prec, xs)
		for _, x := range xs {
			checkPush(t, "Push", x, start, freq, prec, func(m *Message) { m.Push(0, start, freq, prec) })
		}
		if i%16 == 0 && prec <= 24 {
			c := categoricalWith(start, freq, prec)
			sym := b2i(start > 0)
			for _, x := range xs {
				checkPush(t, "Categorical.Push", x, start, freq, prec, func(m *Message) { c.Push(m, 0, sym) })
			}
		}
	}
}

// TestPushBernoulliExhaustive pushes both bits of every probability at
// every Bernoulli precision (with -short, about 256 of them at each
// precision above 8) onto the critical heads of their frequencies.
func TestPushBernoulliExhaustive(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 8))
	var xs []uint64
	for prec := uint(1); prec <= MaxBernoulliPrecision; prec++ {
		one := uint32(1) << prec
		step := uint32(1)
		if testing.Short() && prec > 8 {
			step = 1<<(prec-8) + 1 // odd: still every residue class of small powers of two
		}
		for p := uint32(1); p < one; p += step {
			for bit := range byte(2) {
				start, freq := uint32(0), one-p
				if bit == 1 {
					start, freq = one-p, p
				}
				xs = criticalHeads(r, uint64(freq), prec, xs)
				for _, x := range xs {
					checkPush(t, "PushBernoulli", x, start, freq, prec, func(m *Message) {
						PushBernoulli(m, 0, []byte{bit}, []uint16{uint16(p)}, prec)
					})
				}
			}
		}
	}
}

// TestPushBernoulliVectors compares whole vectors with the division loop:
// same heads and same tail after every record, on many lanes.
func TestPushBernoulliVectors(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	trials := 300
	if testing.Short() {
		trials = 60
	}
	for trial := range trials {
		prec := uint(1 + trial%MaxBernoulliPrecision)
		lanes := 1 + r.IntN(8)
		a, b := NewMessage(lanes), NewMessage(lanes)
		for range 20 {
			n := r.IntN(800)
			bs := make([]byte, n)
			ps := make([]uint16, n)
			for i := range bs {
				ps[i] = uint16(1 + r.Uint64N(1<<prec-1))
				if r.IntN(4) == 0 { // extremes: frequencies 1 and 2^prec-1
					ps[i] = uint16([]uint64{1, 1<<prec - 1}[r.IntN(2)])
				}
				bs[i] = byte(r.IntN(2))
			}
			lane := r.IntN(lanes)
			PushBernoulli(a, lane, bs, ps, prec)
			pushBernoulliDiv(b, lane, bs, ps, prec)
			if !a.Equal(b) {
				t.Fatalf("trial %d (precision %d): messages differ after a vector of %d bits", trial, prec, n)
			}
		}
	}
}

// FuzzPush compares every push (Push, Categorical.Push, PushBernoulli) on a
// fuzzer-chosen head and interval with the specification.
func FuzzPush(f *testing.F) {
	f.Add(uint64(0), uint32(0), uint32(0), uint8(0))
	f.Add(uint64(1<<63-1), uint32(5), uint32(1<<31-1), uint8(30))
	f.Add(uint64(0x123456789abcdef), uint32(1), uint32(4095), uint8(11))
	f.Fuzz(func(t *testing.T, x uint64, start, freq uint32, precByte uint8) {
		prec := 1 + uint(precByte)%MaxPrecision
		one := uint64(1) << prec
		fr := 1 + uint64(freq)%one
		st := uint64(start) % (one - fr + 1)
		x = headLow + x%(1<<63-headLow)
		s32, f32 := uint32(st), uint32(fr)
		checkPush(t, "Push", x, s32, f32, prec, func(m *Message) { m.Push(0, s32, f32, prec) })
		if prec <= 16 { // a categorical builds a table of 2^prec entries
			c := categoricalWith(s32, f32, prec)
			sym := b2i(st > 0)
			checkPush(t, "Categorical.Push", x, s32, f32, prec, func(m *Message) { c.Push(m, 0, sym) })
		}
		if prec <= MaxBernoulliPrecision && fr < one {
			checkPush(t, "PushBernoulli 1", x, uint32(one-fr), f32, prec, func(m *Message) {
				PushBernoulli(m, 0, []byte{1}, []uint16{uint16(fr)}, prec)
			})
			checkPush(t, "PushBernoulli 0", x, 0, f32, prec, func(m *Message) {
				PushBernoulli(m, 0, []byte{0}, []uint16{uint16(one - fr)}, prec)
			})
		}
	})
}
