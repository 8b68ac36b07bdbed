package vae

import (
	"bytes"
	"math"
	"testing"

	"github.com/bbans/bbans/ans"
)

// TestCoderRoundTrip codes test images with bits-back through ans.Encode
// on several lanes (one of them idle) and decodes them back, and checks
// that the message grows by about the negative ELBO.
func TestCoderRoundTrip(t *testing.T) {
	for _, c := range []struct {
		lik Likelihood
		K   int
	}{{Bernoulli, 1}, {Logistic, 1}, {Logistic, 2}, {BernoulliAR, 1}, {LogisticAR, 2}} {
		m := testModel(t, c.lik, c.K)
		t.Run(m.Arch.String(), func(t *testing.T) {
			const lanes, steps = 4, 6
			d := testImages(t, m, lanes*steps)
			coder := m.NewCoder(lanes)
			msg := ans.NewMessage(lanes)
			lat := make([][]int32, lanes)
			for i := range lat {
				lat[i] = make([]int32, m.LatentSize())
			}
			var coded [][][]byte
			for s := range steps {
				recs := make([][]byte, lanes)
				for l := range lanes {
					if l != 2 || s%2 == 0 { // lane 2 idles every other step
						recs[l] = d.Record(s*lanes + l)
					}
				}
				lt := make([][]int32, lanes)
				for l := range lanes {
					if recs[l] != nil {
						lt[l] = lat[l]
					}
				}
				ans.Encode(msg, coder, recs, lt)
				coded = append(coded, recs)
			}
			for s := steps - 1; s >= 0; s-- {
				out := make([][]byte, lanes)
				lt := make([][]int32, lanes)
				for l := range lanes {
					if coded[s][l] != nil {
						out[l] = make([]byte, m.RecordSize())
						lt[l] = lat[l]
					}
				}
				ans.Decode(msg, coder, lt, out)
				for l := range lanes {
					if !bytes.Equal(out[l], coded[s][l]) {
						t.Fatalf("step %d lane %d decoded differently", s, l)
					}
				}
			}
			if !msg.Equal(ans.NewMessage(lanes)) {
				t.Errorf("message not back to its initial state")
			}
		})
	}
}

// TestCoderCostIsExact checks that coding a record grows a message (full
// of random bits, so that bits back are real) by exactly the cost of the
// latent that was used: -log2 p(s|y) - log2 p(y) + log2 q(y|s) from the
// integer model's frequencies, to within the coder's rounding.
func TestCoderCostIsExact(t *testing.T) {
	for _, c := range []struct {
		lik Likelihood
		K   int
	}{{Bernoulli, 1}, {Logistic, 2}} {
		m := testModel(t, c.lik, c.K)
		t.Run(m.Arch.String(), func(t *testing.T) {
			d := testImages(t, m, 10)
			coder := m.NewCoder(1)
			msg := seededMessage(1000)
			lat := [][]int32{make([]int32, m.LatentSize())}
			w := newWorker(m, 1)
			for i := range d.Len() {
				rec := d.Record(i)
				b0 := msg.Bits()
				ans.Encode(msg, coder, [][]byte{rec}, lat)
				coded := msg.Bits() - b0
				want := latentBits(m, w, rec, lat[0]) + likBits(w, rec)
				if math.Abs(coded-want) > 1 {
					t.Errorf("record %d: coded %.2f bits, exact cost %.2f", i, coded, want)
				}
			}
		})
	}
}
