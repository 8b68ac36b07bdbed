package ans

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSearchBucketMatchesBisect checks that the guessed-start search finds
// the bucket and interval the plain binary search finds, for every slot
// class that matters: random slots, the first and last slot, and slots at
// and beside bucket boundaries, under posteriors from the clamped extremes
// (sigma 2^-16 and 256, |mu| 256) to typical ones, at several k and
// precisions.
func TestSearchBucketMatchesBisect(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for _, kp := range [][2]uint{{1, 2}, {4, 12}, {12, 16}, {12, 24}, {16, 17}, {16, 24}, {8, 20}} {
		g := NewGaussianBuckets(kp[0], kp[1])
		top := uint64(1) << g.prec
		for trial := range 3000 {
			var mu, sigma int32
			switch trial % 6 {
			case 0:
				mu, sigma = int32(r.IntN(2*maxMoment+1)-maxMoment), 1
			case 1:
				mu, sigma = int32(r.IntN(2*maxMoment+1)-maxMoment), maxMoment
			case 2:
				mu, sigma = int32(r.IntN(1<<20)-1<<19), int32(r.IntN(1<<10)+1)
			default:
				mu = int32(r.NormFloat64() * 2 * Q16One)
				sigma = int32(math.Exp(r.Float64()*12-9) * Q16One)
			}
			p := g.newPosterior(mu, sigma)
			slots := []uint64{0, top - 1, r.Uint64N(top), r.Uint64N(top)}
			if j := r.IntN(len(g.centres)); j > 0 {
				c := g.cum(&p, j)
				slots = append(slots, c, c-1, min(c+1, top-1))
			}
			for _, slot := range slots {
				j, lo, hi := g.searchBucket(&p, clampSigma(sigma), slot)
				wj, wlo, whi := g.searchBucketBisect(&p, slot)
				if j != wj || lo != wlo || hi != whi {
					t.Fatalf("k %d prec %d mu %d sigma %d slot %d: bucket %d [%d, %d), bisection %d [%d, %d)",
						g.k, g.prec, mu, sigma, slot, j, lo, hi, wj, wlo, whi)
				}
				if !(lo <= slot && slot < hi) {
					t.Fatalf("k %d prec %d: slot %d outside [%d, %d)", g.k, g.prec, slot, lo, hi)
				}
			}
		}
	}
}

// BenchmarkSearchBucket times the posterior pop's bucket search from a
// guess (guess) against the plain bisection (bisect) on the built-in
// models' codec (2^12 buckets, precision 24) over typical posteriors.
func BenchmarkSearchBucket(b *testing.B) {
	g := NewGaussianBuckets(12, 24)
	r := rand.New(rand.NewPCG(1, 2))
	type q struct {
		p     posterior
		sigma int64
		slot  uint64
	}
	qs := make([]q, 4096)
	for i := range qs {
		mu := int32(r.NormFloat64() * Q16One)
		sigma := int32(math.Exp(r.Float64()*4-4) * Q16One)
		qs[i] = q{g.newPosterior(mu, sigma), clampSigma(sigma), r.Uint64N(1 << 24)}
	}
	var sink int
	b.Run("path=guess", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			x := &qs[i&4095]
			j, _, _ := g.searchBucket(&x.p, x.sigma, x.slot)
			sink += j
		}
	})
	b.Run("path=bisect", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			x := &qs[i&4095]
			j, _, _ := g.searchBucketBisect(&x.p, x.slot)
			sink += j
		}
	})
	_ = sink
}
