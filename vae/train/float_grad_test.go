package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/bbans/bbans/vae"
)

// TestGradients compares the analytic gradients of the negative ELBO with
// central finite differences on a tiny model, for each likelihood.
func TestGradients(t *testing.T) {
	for _, a := range []vae.Arch{
		{RecordSize: 12, Likelihood: vae.Bernoulli, Components: 1, EncHidden: []int{7}, Latent: 3, DecHidden: []int{6}},
		{RecordSize: 12, Likelihood: vae.Logistic, Components: 1, EncHidden: []int{7}, Latent: 3, DecHidden: []int{6, 5}},
		{RecordSize: 12, Likelihood: vae.Logistic, Components: 3, EncHidden: []int{7, 4}, Latent: 2, DecHidden: []int{6}},
	} {
		t.Run(a.String(), func(t *testing.T) {
			noLatentRounding = true
			defer func() { noLatentRounding = false }()
			m, err := NewFloatModel(a, 3)
			if err != nil {
				t.Fatal(err)
			}
			g := rand.New(rand.NewPCG(1, 2))
			recs := make([][]byte, 4)
			for i := range recs {
				recs[i] = make([]byte, a.RecordSize)
				for j := range recs[i] {
					if a.Likelihood.Binary() {
						recs[i][j] = byte(g.IntN(2))
					} else {
						recs[i][j] = []byte{0, 255, 3, 128, 200, 254, 1}[g.IntN(7)]
					}
				}
			}
			p := newPass(m, len(recs))
			loss := func() float64 {
				return p.forward(recs, rand.New(rand.NewPCG(5, 6)), false)
			}
			p.forward(recs, rand.New(rand.NewPCG(5, 6)), true)
			bad := 0
			for li, l := range m.layers() {
				for _, w := range []struct {
					v []float32
					g []float32
				}{{l.W, p.gW[li]}, {l.B, p.gB[li]}} {
					for j := 0; j < len(w.v); j += 1 + len(w.v)/13 {
						old := w.v[j]
						const h = 2e-3
						w.v[j] = old + h
						up := loss()
						w.v[j] = old - h
						dn := loss()
						w.v[j] = old
						num := (up - dn) / (2 * h)
						if d := math.Abs(num - float64(w.g[j])); d > 2e-2*max(1, math.Abs(num)) {
							// The latent rounding makes the loss piecewise;
							// allow rare mismatches but not systematic ones.
							bad++
							t.Logf("layer %d param %d: analytic %g, numeric %g", li, j, w.g[j], num)
						}
					}
				}
			}
			if bad > 3 {
				t.Errorf("%d gradient mismatches", bad)
			}
		})
	}
}
