package ans

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// mixture is a latent-variable model whose negative ELBO can be computed
// exactly: records of dim bits, a latent component y in [0, k) with a
// categorical prior, independent Bernoulli bits given y, and as posterior
// the exact p(y|s) quantised to integer frequencies. It satisfies Model.
type mixture struct {
	k, dim    int
	prior     *Categorical
	probs     [][]uint16 // probs[y][i] = P(bit i = 1 | y) · 2^bitPrec
	postPrec  uint
	postCache map[string]*Categorical
}

const bitPrec = 12

// newMixture returns a random mixture. The posterior precision is high
// because every component keeps a frequency of at least 1: at 2^-16, the
// rare pop of a component whose true posterior is 2^-80 costs ~64 extra bits,
// which the expectation includes but 10^4 samples see too few times to
// average; at 2^-22 such events are too rare to matter.
func newMixture(r *rand.Rand, k, dim int) *mixture {
	m := &mixture{k: k, dim: dim, prior: randomCategorical(r, k, 8), postPrec: 22, postCache: map[string]*Categorical{}}
	for range k {
		p := make([]uint16, dim)
		for i := range p {
			// Confident pixels, like a digit's: mostly near 0 or 1.
			v := 1 + r.IntN(1<<bitPrec-1)
			if r.IntN(3) > 0 {
				v = 1 + r.IntN(100)
				if r.IntN(2) == 0 {
					v = 1<<bitPrec - v
				}
			}
			p[i] = uint16(v)
		}
		m.probs = append(m.probs, p)
	}
	return m
}

// sample draws a record from the model.
func (m *mixture) sample(r *rand.Rand) []byte {
	y := m.prior.symbol(uint32(r.IntN(1 << 8)))
	s := make([]byte, m.dim)
	for i := range s {
		if r.IntN(1<<bitPrec) < int(m.probs[y][i]) {
			s[i] = 1
		}
	}
	return s
}

// logLik returns log2 p(s|y) under the integer probabilities.
func (m *mixture) logLik(s []byte, y int) float64 {
	var l float64
	for i, b := range s {
		p := float64(m.probs[y][i]) / (1 << bitPrec)
		if b == 0 {
			p = 1 - p
		}
		l += math.Log2(p)
	}
	return l
}

// posterior returns the codec of q(y|s): p(y|s) with every frequency >= 1.
// Floating point is fine here: this test model only runs on one machine.
func (m *mixture) posterior(s []byte) *Categorical {
	if c, ok := m.postCache[string(s)]; ok {
		return c
	}
	logJoint := make([]float64, m.k)
	best := math.Inf(-1)
	for y := range m.k {
		_, f := m.prior.Interval(y)
		logJoint[y] = m.logLik(s, y) + math.Log2(float64(f)/(1<<8))
		best = max(best, logJoint[y])
	}
	var z float64
	for y := range logJoint {
		logJoint[y] = math.Exp2(logJoint[y] - best)
		z += logJoint[y]
	}
	freqs := make([]uint32, m.k)
	left := int64(1)<<m.postPrec - int64(m.k)
	var used int64
	for y := range freqs {
		f := int64(logJoint[y] / z * float64(left))
		freqs[y] = uint32(1 + f)
		used += f
	}
	freqs[slices.Index(logJoint, slices.Max(logJoint))] += uint32(left - used)
	c, err := NewCategorical(freqs, m.postPrec)
	if err != nil {
		panic(err)
	}
	m.postCache[string(s)] = c
	return c
}

// negELBO returns the exact negative ELBO of s in bits under the integer
// distributions the coder uses: E_q[-log p(s|y) - log p(y) + log q(y|s)].
func (m *mixture) negELBO(s []byte) float64 {
	q := m.posterior(s)
	var e float64
	for y := range m.k {
		_, fq := q.Interval(y)
		_, fp := m.prior.Interval(y)
		qy := float64(fq) / float64(uint64(1)<<m.postPrec)
		e += qy * (-m.logLik(s, y) - math.Log2(float64(fp)/(1<<8)) + math.Log2(qy))
	}
	return e
}

func (m *mixture) PopPosterior(msg *Message, records [][]byte, latents [][]int32) {
	for lane := range records {
		if records[lane] != nil {
			latents[lane][0] = int32(m.posterior(records[lane]).Pop(msg, lane))
		}
	}
}

func (m *mixture) PushPosterior(msg *Message, records [][]byte, latents [][]int32) {
	for lane := len(records) - 1; lane >= 0; lane-- {
		if records[lane] != nil {
			m.posterior(records[lane]).Push(msg, lane, int(latents[lane][0]))
		}
	}
}

func (m *mixture) PushLikelihood(msg *Message, latents [][]int32, records [][]byte) {
	for lane := range records {
		if records[lane] != nil {
			PushBernoulli(msg, lane, records[lane], m.probs[latents[lane][0]], bitPrec)
		}
	}
}

func (m *mixture) PopLikelihood(msg *Message, latents [][]int32, records [][]byte) {
	for lane := len(records) - 1; lane >= 0; lane-- {
		if records[lane] != nil {
			PopBernoulli(msg, lane, m.probs[latents[lane][0]], bitPrec, records[lane])
		}
	}
}

func (m *mixture) PushPrior(msg *Message, latents [][]int32) {
	for lane := range latents {
		if latents[lane] != nil {
			m.prior.Push(msg, lane, int(latents[lane][0]))
		}
	}
}

func (m *mixture) PopPrior(msg *Message, latents [][]int32) {
	for lane := len(latents) - 1; lane >= 0; lane-- {
		if latents[lane] != nil {
			latents[lane][0] = int32(m.prior.Pop(msg, lane))
		}
	}
}

// TestBitsBack codes 10^4 records with bits-back and checks that the message
// grows by the summed negative ELBO (within 0.5%) plus the initial-bits
// cost, and that decoding returns every record and an empty message.
func TestBitsBack(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 15))
	model := newMixture(r, 16, 64)
	for _, lanes := range []int{1, 4} {
		const n = 10_000
		records := make([][]byte, n)
		var elbo float64
		for i := range records {
			records[i] = model.sample(r)
			elbo += model.negELBO(records[i])
		}
		msg := NewMessage(lanes)
		latents := make([][]int32, lanes)
		for i := range latents {
			latents[i] = make([]int32, 1)
		}
		for i := 0; i < n; i += lanes {
			Encode(msg, model, records[i:i+lanes], latents)
		}
		// Bits() follows every push and pop, borrowed bits included, so it
		// must match the negative ELBO closely; the serialised message also
		// pays for the bits that were popped from the initial state.
		coded := msg.Bits()
		initial := float64(32*msg.Borrowed()) + float64(64*lanes)
		size := float64(8 * msg.MarshalledSize())
		t.Logf("lanes=%d: -ELBO %.0f bits (%.4f bits/dim), message %.0f bits (%+.3f%%), serialised %.0f bits, borrowed %d words",
			lanes, elbo, elbo/float64(n*model.dim), coded, 100*(coded/elbo-1), size, msg.Borrowed())
		if math.Abs(coded-elbo) > 0.005*elbo {
			t.Errorf("lanes=%d: message holds %.0f bits, more than 0.5%% from the summed -ELBO %.0f", lanes, coded, elbo)
		}
		if size > elbo*1.005+initial+64 {
			t.Errorf("lanes=%d: serialised %.0f bits > -ELBO %.0f + 0.5%% + initial %.0f", lanes, size, elbo, initial)
		}

		// Decode from the serialised bytes, as a reader would.
		b, _ := msg.MarshalBinary()
		dec := &Message{}
		if err := dec.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		out := make([][]byte, lanes)
		for i := range out {
			out[i] = make([]byte, model.dim)
		}
		for i := n - lanes; i >= 0; i -= lanes {
			Decode(dec, model, latents, out)
			for l := range lanes {
				if !slices.Equal(out[l], records[i+l]) {
					t.Fatalf("lanes=%d: record %d decoded wrong", lanes, i+l)
				}
			}
		}
		if !dec.Equal(NewMessage(lanes)) {
			t.Fatalf("lanes=%d: decoding did not end at the empty message", lanes)
		}
	}
}

// TestBitsBackPartialLanes codes batches where some lanes sit out (nil) or
// the batch is shorter than the lane count, and decodes them back.
func TestBitsBackPartialLanes(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 19))
	model := newMixture(r, 8, 32)
	const lanes = 5
	msg := NewMessage(lanes)
	type batch struct{ records [][]byte }
	var batches []batch
	for range 200 {
		n := 1 + r.IntN(lanes)
		recs := make([][]byte, n)
		for i := range recs {
			if r.IntN(4) > 0 {
				recs[i] = model.sample(r)
			}
		}
		batches = append(batches, batch{recs})
	}
	latentsFor := func(recs [][]byte) [][]int32 {
		l := make([][]int32, len(recs))
		for i := range recs {
			if recs[i] != nil {
				l[i] = make([]int32, 1)
			}
		}
		return l
	}
	for _, b := range batches {
		Encode(msg, model, b.records, latentsFor(b.records))
	}
	for i := len(batches) - 1; i >= 0; i-- {
		want := batches[i].records
		out := make([][]byte, len(want))
		for j := range out {
			if want[j] != nil {
				out[j] = make([]byte, model.dim)
			}
		}
		Decode(msg, model, latentsFor(want), out)
		for j := range out {
			if !slices.Equal(out[j], want[j]) {
				t.Fatalf("batch %d lane %d decoded wrong", i, j)
			}
		}
	}
	if !msg.Equal(NewMessage(lanes)) {
		t.Fatal("message not restored")
	}
}
