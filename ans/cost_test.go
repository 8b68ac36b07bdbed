package ans

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestCodingCost measures what coding costs: over 10^6 symbols drawn from
// known distributions, the message must grow by their information content
// plus at most 0.1% plus 64 bits per lane.
func TestCodingCost(t *testing.T) {
	const n = 1_000_000
	r := rand.New(rand.NewPCG(12, 13))
	for _, lanes := range []int{1, 8} {
		t.Run(fmt.Sprintf("bernoulli/lanes=%d", lanes), func(t *testing.T) {
			const prec = 12
			probs := make([]uint16, n/lanes)
			bits := make([]byte, n/lanes)
			m := NewMessage(lanes)
			var info float64
			for lane := range lanes {
				for i := range probs {
					// Skewed probabilities, as a VAE's pixels are.
					p := uint16(1 + r.IntN(1<<prec-1))
					if r.IntN(2) == 0 {
						p = uint16(1 + r.IntN(40))
					}
					probs[i] = p
					b := byte(0)
					if r.IntN(1<<prec) < int(p) {
						b = 1
					}
					bits[i] = b
					q := float64(p) / (1 << prec)
					if b == 0 {
						q = 1 - q
					}
					info -= math.Log2(q)
				}
				PushBernoulli(m, lane, bits, probs, prec)
			}
			checkCost(t, m, info, lanes)
		})
		t.Run(fmt.Sprintf("categorical256/lanes=%d", lanes), func(t *testing.T) {
			const prec = 16
			c := randomCategorical(r, 256, prec)
			syms := make([]byte, n/lanes)
			m := NewMessage(lanes)
			var info float64
			for lane := range lanes {
				for i := range syms {
					// Sample from the codec's own distribution.
					slot := uint32(r.IntN(1 << prec))
					s := c.symbol(slot)
					syms[i] = byte(s)
					_, f := c.Interval(s)
					info -= math.Log2(float64(f) / (1 << prec))
				}
				c.PushBytes(m, lane, syms)
			}
			checkCost(t, m, info, lanes)
		})
	}
}

func checkCost(t *testing.T, m *Message, info float64, lanes int) {
	t.Helper()
	grown := float64(m.BitLen() - NewMessage(lanes).BitLen())
	limit := info*1.001 + 64*float64(lanes)
	t.Logf("information %.0f bits, message grew %.0f bits (%+.4f%%), serialised %d bytes", info, grown, 100*(grown/info-1), m.MarshalledSize())
	if grown > limit {
		t.Errorf("message grew %.0f bits, more than %.0f (information %.0f + 0.1%% + 64/lane)", grown, limit, info)
	}
	if grown < info-64*float64(lanes) {
		t.Errorf("message grew %.0f bits, less than the information %.0f: the accounting is wrong", grown, info)
	}
}
