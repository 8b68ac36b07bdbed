package ans

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// step is one codec operation of a random program: push does it, pop undoes
// it and checks that what came back is what went in.
type step struct {
	push func(m *Message)
	pop  func(m *Message) error
}

// newCategorical makes the categorical of a random step at precision prec.
type newCategorical func(r *rand.Rand, prec uint) *Categorical

// freshCategorical is a new random categorical over up to 256 symbols.
func freshCategorical(r *rand.Rand, prec uint) *Categorical {
	return randomCategorical(r, 1+r.IntN(min(256, 1<<prec)), prec)
}

// randomStep returns a random codec operation on a random lane; cat makes
// its categoricals.
func randomStep(r *rand.Rand, lanes int, g *GaussianBuckets, cat newCategorical) step {
	lane := r.IntN(lanes)
	switch r.IntN(5) {
	case 0: // primitive
		prec := uint(1 + r.IntN(24))
		start, freq := randomInterval(r, prec)
		return step{
			push: func(m *Message) { m.Push(lane, start, freq, prec) },
			pop: func(m *Message) error {
				if s := m.Peek(lane, prec); s-start >= freq {
					return fmt.Errorf("primitive: slot %d outside [%d,%d)", s, start, start+freq)
				}
				m.Pop(lane, start, freq, prec)
				return nil
			},
		}
	case 1: // Bernoulli vector
		prec := uint(1 + r.IntN(MaxBernoulliPrecision))
		n := r.IntN(40)
		bits := make([]byte, n)
		probs := make([]uint16, n)
		for i := range bits {
			probs[i] = uint16(1 + r.Uint64N(uint64(1)<<prec-1))
			bits[i] = byte(r.IntN(2))
		}
		return step{
			push: func(m *Message) { PushBernoulli(m, lane, bits, probs, prec) },
			pop: func(m *Message) error {
				got := make([]byte, n)
				PopBernoulli(m, lane, probs, prec, got)
				if !slices.Equal(got, bits) {
					return fmt.Errorf("bernoulli: got %v want %v", got, bits)
				}
				return nil
			},
		}
	case 2: // uniform
		n := 1 + r.IntN(MaxUniform)
		if r.IntN(2) == 0 {
			n = 1 + r.IntN(20)
		}
		u := NewUniform(n)
		s := r.IntN(n)
		return step{
			push: func(m *Message) { u.Push(m, lane, s) },
			pop: func(m *Message) error {
				if got := u.Pop(m, lane); got != s {
					return fmt.Errorf("uniform(%d): got %d want %d", n, got, s)
				}
				return nil
			},
		}
	case 3: // categorical, direct lookup or binary search, scalar or bytes
		prec := uint(1 + r.IntN(24))
		c := cat(r, prec)
		syms := make([]byte, r.IntN(30))
		for i := range syms {
			syms[i] = byte(r.IntN(c.N()))
		}
		return step{
			push: func(m *Message) { c.PushBytes(m, lane, syms) },
			pop: func(m *Message) error {
				got := make([]byte, len(syms))
				c.PopBytes(m, lane, got)
				if !slices.Equal(got, syms) {
					return fmt.Errorf("categorical: got %v want %v", got, syms)
				}
				return nil
			},
		}
	default: // Gaussian latent: posterior or prior
		d := 1 + r.IntN(10)
		buckets := make([]int32, d)
		mu := make([]int32, d)
		sigma := make([]int32, d)
		for i := range buckets {
			buckets[i] = int32(r.IntN(g.Buckets()))
			mu[i] = int32(r.NormFloat64() * 3 * Q16One)
			sigma[i] = int32(math.Exp(r.Float64()*12-9) * Q16One)
		}
		prior := r.IntN(2) == 0
		return step{
			push: func(m *Message) {
				if prior {
					g.PushPrior(m, lane, buckets)
				} else {
					g.PushPosterior(m, lane, buckets, mu, sigma)
				}
			},
			pop: func(m *Message) error {
				got := make([]int32, d)
				if prior {
					g.PopPrior(m, lane, got)
				} else {
					g.PopPosterior(m, lane, mu, sigma, got)
				}
				if !slices.Equal(got, buckets) {
					return fmt.Errorf("gaussian: got %v want %v", got, buckets)
				}
				return nil
			},
		}
	}
}

// randomCategorical returns a categorical over n symbols at precision prec
// with random frequencies, each at least 1.
func randomCategorical(r *rand.Rand, n int, prec uint) *Categorical {
	freqs := make([]uint32, n)
	left := uint64(1)<<prec - uint64(n)
	for i := range freqs {
		freqs[i] = 1
	}
	for left > 0 {
		i := r.IntN(n)
		add := 1 + r.Uint64N(left)
		if r.IntN(3) > 0 {
			add = 1 + r.Uint64N(min(left, 1+left/uint64(n)))
		}
		freqs[i] += uint32(add)
		left -= add
	}
	c, err := NewCategorical(freqs, prec)
	if err != nil {
		panic(err)
	}
	return c
}

// runProgram pushes steps in order then pops them in reverse, checking each
// value and that the message ends as it began.
func runProgram(t testing.TB, m *Message, steps []step) {
	t.Helper()
	before := m.Clone()
	for _, s := range steps {
		s.push(m)
	}
	for i := len(steps) - 1; i >= 0; i-- {
		if err := steps[i].pop(m); err != nil {
			t.Fatalf("step %d of %d: %v", i, len(steps), err)
		}
	}
	if !m.Equal(before) {
		t.Fatalf("message not restored after %d steps", len(steps))
	}
}

func TestRandomInterleavings(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	gs := []*GaussianBuckets{NewGaussianBuckets(1, 9), NewGaussianBuckets(8, 16), NewGaussianBuckets(12, 24)}
	for lanes := 1; lanes <= 64; lanes++ {
		steps := make([]step, 200)
		for i := range steps {
			steps[i] = randomStep(r, lanes, gs[r.IntN(len(gs))], freshCategorical)
		}
		m := NewMessage(lanes)
		runProgram(t, m, steps)
		// And again from a message that already holds data.
		for range 100 {
			m.Push(r.IntN(lanes), uint32(r.IntN(1000)), 1, 10)
		}
		runProgram(t, m, steps)
	}
}

func TestPrecisions(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for prec := uint(1); prec <= 24; prec++ {
		for _, lanes := range []int{1, 8, 64} {
			m := NewMessage(lanes)
			var steps []step
			for range 300 {
				lane := r.IntN(lanes)
				start, freq := randomInterval(r, prec)
				steps = append(steps, step{
					push: func(m *Message) { m.Push(lane, start, freq, prec) },
					pop: func(m *Message) error {
						m.Pop(lane, start, freq, prec)
						return nil
					},
				})
				if prec <= MaxBernoulliPrecision {
					bits := []byte{byte(r.IntN(2)), byte(r.IntN(2))}
					probs := []uint16{uint16(1 + r.Uint64N(uint64(1)<<prec-1)), uint16(1 + r.Uint64N(uint64(1)<<prec-1))}
					steps = append(steps, step{
						push: func(m *Message) { PushBernoulli(m, lane, bits, probs, prec) },
						pop: func(m *Message) error {
							got := make([]byte, 2)
							PopBernoulli(m, lane, probs, prec, got)
							if !slices.Equal(got, bits) {
								return fmt.Errorf("prec %d: got %v want %v", prec, got, bits)
							}
							return nil
						},
					})
				}
			}
			runProgram(t, m, steps)
		}
	}
}

func TestCategoricalErrors(t *testing.T) {
	cases := []struct {
		freqs []uint32
		prec  uint
	}{
		{[]uint32{1, 1}, 0},
		{[]uint32{1, 1}, 25},
		{nil, 4},
		{[]uint32{0, 16}, 4},
		{[]uint32{8, 7}, 4},
		{[]uint32{8, 9}, 4},
		{[]uint32{1 << 31, 1 << 31, 1 << 31}, 4},
	}
	for _, c := range cases {
		if _, err := NewCategorical(c.freqs, c.prec); err == nil {
			t.Errorf("NewCategorical(%v, %d): no error", c.freqs, c.prec)
		}
	}
}

func TestUniformIntervals(t *testing.T) {
	for _, n := range []int{1, 2, 3, 10, 255, 256, 1000, 1 << 20, MaxUniform - 1, MaxUniform} {
		u := NewUniform(n)
		var next uint64
		check := func(s int) {
			start, freq := u.Interval(s)
			if freq == 0 {
				t.Fatalf("n=%d s=%d: frequency 0", n, s)
			}
			if s > 0 && uint64(start) != next {
				// Only adjacent symbols are checked for contiguity.
				return
			}
			next = uint64(start) + uint64(freq)
		}
		for s := range min(n, 5000) {
			check(s)
		}
		start, freq := u.Interval(n - 1)
		if uint64(start)+uint64(freq) != 1<<u.Precision() {
			t.Fatalf("n=%d: last interval ends at %d, not 2^%d", n, uint64(start)+uint64(freq), u.Precision())
		}
	}
}

func TestGaussianBuckets(t *testing.T) {
	for _, k := range []uint{1, 4, 8, 12, 16} {
		g := NewGaussianBuckets(k, min(24, k+8))
		n := g.Buckets()
		c := g.Centres()
		e := g.Edges()
		for j := 1; j < n; j++ {
			if c[j] <= c[j-1] && k < 14 {
				t.Fatalf("k=%d: centres not increasing at %d", k, j)
			}
			if j > 1 && e[j] < e[j-1] {
				t.Fatalf("k=%d: edges decreasing at %d", k, j)
			}
			if e[j] < c[j-1] || e[j] > c[j] {
				t.Fatalf("k=%d: edge %d (%d) outside its centres %d..%d", k, j, e[j], c[j-1], c[j])
			}
		}
		// The prior medians are symmetric about zero within table rounding.
		if d := int64(c[0]) + int64(c[n-1]); d < -2 || d > 2 {
			t.Errorf("k=%d: first and last centres %d, %d not symmetric", k, c[0], c[n-1])
		}
		// Posterior intervals tile [0, 2^prec) with every frequency >= 1.
		r := rand.New(rand.NewPCG(uint64(k), 11))
		for range 20 {
			mu := int32(r.NormFloat64() * 2 * Q16One)
			sigma := int32(math.Exp(r.Float64()*10-8) * Q16One)
			var next uint32
			for j := 0; j < n; j++ {
				start, freq := g.Interval(int32(j), mu, sigma)
				if start != next || freq == 0 {
					t.Fatalf("k=%d mu=%d sigma=%d bucket %d: interval [%d,+%d), expected start %d and freq >= 1", k, mu, sigma, j, start, freq, next)
				}
				next = start + freq
			}
			if next != 1<<g.Precision() {
				t.Fatalf("k=%d: intervals end at %d", k, next)
			}
		}
	}
	// The integer CDF agrees with the real one to the table's accuracy.
	for z := -6.0; z <= 6; z += 0.01 {
		want := 0.5 * math.Erfc(-z/math.Sqrt2)
		got := float64(normCDF(int64(math.Round(z*Q16One)))) / (1 << 31)
		if math.Abs(got-want) > 1e-5 {
			t.Fatalf("normCDF(%g) = %g, want %g", z, got, want)
		}
	}
}
