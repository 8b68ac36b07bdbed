package ans

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// FuzzRoundTrip turns the fuzzer's bytes into a random program of codec
// operations (lane count, codecs, precisions, symbols all chosen by the
// seed), pushes it and pops it back, checking every value and that the
// message is restored exactly. Programs have up to 32 steps, which
// interleave every codec on every lane and move the head through
// renormalisations (TestRandomInterleavings runs programs of 200), and their
// categoricals come from a pool of four at each precision, built once:
// building one costs twenty times the rest of a step, and NewCategorical
// has tests of its own.
func FuzzRoundTrip(f *testing.F) {
	f.Add(uint64(0), uint8(1), uint16(10))
	f.Add(uint64(42), uint8(64), uint16(32))
	f.Add(uint64(7), uint8(3), uint16(0))
	gs := []*GaussianBuckets{NewGaussianBuckets(2, 10), NewGaussianBuckets(8, 16), NewGaussianBuckets(10, 24)}
	var pool [MaxPrecision + 1][4]*Categorical
	pr := rand.New(rand.NewPCG(1, 2))
	for prec := uint(1); prec <= 24; prec++ {
		for i := range pool[prec] {
			n := []int{1, 2, 1 + pr.IntN(min(256, 1<<prec)), min(256, 1<<prec)}[i]
			pool[prec][i] = randomCategorical(pr, n, prec)
		}
	}
	pooled := func(r *rand.Rand, prec uint) *Categorical { return pool[prec][r.IntN(4)] }
	f.Fuzz(func(t *testing.T, seed uint64, lanes uint8, n uint16) {
		l := 1 + int(lanes)%64
		r := rand.New(rand.NewPCG(seed, uint64(n)))
		steps := make([]step, int(n)%33)
		for i := range steps {
			steps[i] = randomStep(r, l, gs[r.IntN(len(gs))], pooled)
		}
		m := NewMessage(l)
		// Start from empty half the time, else from a message with data.
		if seed%2 == 1 {
			for range r.IntN(50) {
				m.Push(r.IntN(l), uint32(r.IntN(4096)), 1, 12)
			}
		}
		runProgram(t, m, steps)
	})
}

// FuzzUnmarshal checks that any bytes give either an error or a message
// that serialises back to the same bytes, without panicking.
func FuzzUnmarshal(f *testing.F) {
	m := NewMessage(3)
	for i := range 100 {
		m.Push(i%3, uint32(i), 1, 12)
	}
	b, _ := m.MarshalBinary()
	f.Add(b)
	e, _ := NewMessage(1).MarshalBinary()
	f.Add(e)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var m Message
		if err := m.UnmarshalBinary(data); err != nil {
			return
		}
		got, _ := m.MarshalBinary()
		if !bytes.Equal(got, data) {
			t.Fatalf("unmarshal then marshal changed the bytes:\n in %x\nout %x", data, got)
		}
		// Popping from any valid message is defined and never panics.
		for lane := range m.Lanes() {
			s := m.Peek(lane, 8)
			m.Pop(lane, s, 1, 8)
		}
	})
}
