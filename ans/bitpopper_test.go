package ans

import (
	"math/rand/v2"
	"testing"
)

// TestBitPopperMatchesPopBernoulli pops the same bits with BitPopper and
// with PopBernoulli, from messages that hold them and from one that must
// borrow (an empty tail), on two lanes in turn, and checks that the bits
// and the messages left behind are equal.
func TestBitPopperMatchesPopBernoulli(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 7, 100, 5000} {
		probs := make([]uint16, n)
		bits := make([]byte, n)
		for i := range probs {
			switch r.IntN(3) {
			case 0:
				probs[i] = uint16(1 + r.IntN(1<<16-1))
			case 1:
				probs[i] = uint16(1 + r.IntN(8)) // confident 0: a long run before a word is needed
			default:
				probs[i] = uint16(1<<16 - 1 - r.IntN(8))
			}
			if r.IntN(1<<16) < int(probs[i]) {
				bits[i] = 1
			}
		}
		for _, push := range []bool{true, false} {
			want := NewMessage(2)
			if push {
				PushBernoulli(want, 0, bits, probs, MaxBernoulliPrecision)
				PushBernoulli(want, 1, bits, probs, MaxBernoulliPrecision)
			}
			got := want.Clone()
			for _, lane := range []int{1, 0} {
				wb := make([]byte, n)
				PopBernoulli(want, lane, probs, MaxBernoulliPrecision, wb)
				d := got.BitPopper(lane)
				for i, p := range probs {
					if b := d.Pop(p); b != uint64(wb[i]) {
						t.Fatalf("n=%d push=%v lane %d bit %d: BitPopper %d, PopBernoulli %d", n, push, lane, i, b, wb[i])
					}
					d.Renorm()
				}
				d.Close()
				if push && string(wb) != string(bits) {
					t.Fatalf("n=%d lane %d: PopBernoulli did not return the pushed bits", n, lane)
				}
			}
			if !got.Equal(want) {
				t.Errorf("n=%d push=%v: messages differ after the pops", n, push)
			}
		}
	}
}

// TestBitPopperBadProbability checks that a probability of 0 panics at the
// Renorm after its Pop.
func TestBitPopperBadProbability(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("Pop(0) then Renorm did not panic")
		}
	}()
	d := NewMessage(1).BitPopper(0)
	d.Pop(0)
	d.Renorm()
}
