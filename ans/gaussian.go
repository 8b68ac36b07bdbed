package ans

import "fmt"

//go:generate go run gen_normcdf.go

// Fixed-point conventions of GaussianBuckets: latent values, means and
// standard deviations are Q16 (units of 2^-16) in int32; probabilities of
// the normal CDF are Q31 (units of 2^-31).
const (
	// Q16One is 1.0 in Q16.
	Q16One = 1 << 16
	// MaxBucketBits is the largest k: at most 2^16 buckets per latent.
	MaxBucketBits = 16
)

// normCDF returns Φ(z) in Q31 for z in Q16, by linear interpolation in
// normCDFTable (step 2^-8, so the interpolation error is below 5e-7). It is
// monotone non-decreasing in z, which is all that the bucket frequencies
// need to be valid; integer-only, so every machine computes the same value.
func normCDF(z int64) uint32 {
	const zMax = 8 << 16
	if z <= -zMax {
		return 0
	}
	if z >= zMax {
		return 1 << 31
	}
	u := uint64(z + zMax) // in [0, 2^20)
	i := u >> 8
	f := u & 255
	lo := uint64(normCDFTable[i])
	hi := uint64(normCDFTable[i+1])
	return uint32(lo + (hi-lo)*f>>8)
}

// normQuantile returns the smallest z in Q16 with normCDF(z) >= p (p in
// Q31), found by binary search: the inverse CDF without floating point.
func normQuantile(p uint32) int32 {
	lo, hi := int64(-8<<16), int64(8<<16) // normCDF(hi) = 2^31 >= p
	for lo < hi {
		mid := lo + (hi-lo)>>1
		if normCDF(mid) >= p {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return int32(lo)
}

// GaussianBuckets is the codec of a diagonal-Gaussian latent discretised
// into 2^k buckets of equal mass under the standard normal prior, as in
// BB-ANS: bucket j of each dimension is the interval between the j/2^k and
// (j+1)/2^k quantiles of N(0, 1).
//
// The prior is uniform over buckets, so pushing a latent with the prior
// costs exactly k bits per dimension. The posterior N(mu, sigma²) gives
// bucket j the mass F_{j+1} - F_j with F_j = Φ((e_j - mu)/sigma) at the
// bucket edges e_j; in the coder, with P = 2^prec, that becomes the interval
// [c_j, c_{j+1}) where
//
//	c_j = floor(F_j · (P - 2^k) / 2^31) + j
//
// with F in Q31, F_0 = 0 and F_{2^k} = 2^31. Since F is non-decreasing in j,
// every bucket has a frequency of at least 1, so any latent can be coded
// whatever the posterior, and c_{2^k} = P. Everything is integer
// arithmetic: edges and centres are found by binary search on the
// tabulated CDF.
type GaussianBuckets struct {
	k       uint
	prec    uint
	edges   []int32 // edges[j] = e_j in Q16 for j in 1..2^k-1; edges[0] unused
	centres []int32 // centres[j] = median of bucket j under the prior, Q16
}

// NewGaussianBuckets returns the codec with 2^k buckets per dimension and
// posterior precision prec. It panics unless 1 <= k <= MaxBucketBits and
// k < prec <= 24; prec >= k+8 keeps the cost of the frequency floor small.
func NewGaussianBuckets(k, prec uint) *GaussianBuckets {
	if k < 1 || k > MaxBucketBits {
		panic(fmt.Sprintf("ans: bucket bits %d outside [1, %d]", k, MaxBucketBits))
	}
	if prec <= k || prec > 24 {
		panic(fmt.Sprintf("ans: posterior precision %d outside (%d, 24]", prec, k))
	}
	n := 1 << k
	g := &GaussianBuckets{k: k, prec: prec, edges: make([]int32, n), centres: make([]int32, n)}
	for j := 1; j < n; j++ {
		g.edges[j] = normQuantile(uint32(j) << (31 - k))
	}
	for j := 0; j < n; j++ {
		g.centres[j] = normQuantile(uint32(2*j+1) << (30 - k))
	}
	return g
}

// Buckets returns 2^k, the number of buckets per dimension.
func (g *GaussianBuckets) Buckets() int { return len(g.centres) }

// BucketBits returns k.
func (g *GaussianBuckets) BucketBits() uint { return g.k }

// Precision returns the posterior coding precision.
func (g *GaussianBuckets) Precision() uint { return g.prec }

// Centres returns the Q16 value that stands for each bucket: its median
// under the prior. The slice must not be modified.
func (g *GaussianBuckets) Centres() []int32 { return g.centres }

// Edges returns the Q16 lower edge of each bucket; the first bucket's edge,
// -infinity, is given as 0 and must be ignored. The slice must not be
// modified.
func (g *GaussianBuckets) Edges() []int32 { return g.edges }

// maxMoment bounds the posterior's mean and standard deviation: 256 in Q16.
const maxMoment = 1 << 24

// posterior holds what the cumulative frequencies of one dimension need.
type posterior struct {
	mu    int64
	recip int64 // floor(2^32 / sigma)
	span  uint64
}

func (g *GaussianBuckets) newPosterior(mu, sigma int32) posterior {
	// Clamp to the documented domain: |mu| <= 256, 2^-16 <= sigma <= 256.
	mu = min(max(mu, -maxMoment), maxMoment)
	return posterior{
		mu:    int64(mu),
		recip: (1 << 32) / clampSigma(sigma),
		span:  uint64(1)<<g.prec - uint64(len(g.centres)),
	}
}

// clampSigma returns sigma clamped to [2^-16, 256] (Q16), as a posterior
// uses it.
func clampSigma(sigma int32) int64 { return int64(min(max(sigma, 1), maxMoment)) }

// cum returns c_j, the cumulative frequency below bucket j, j in [0, 2^k].
func (g *GaussianBuckets) cum(p *posterior, j int) uint64 {
	if j == 0 {
		return 0
	}
	if j == len(g.centres) {
		return 1 << g.prec
	}
	// z = (e_j - mu)/sigma in Q16. With |mu| <= 2^24, |e_j| < 2^19 and
	// recip <= 2^32 the product stays below 2^57.
	d := int64(g.edges[j]) - p.mu
	z := (d * p.recip) >> 16
	return uint64(normCDF(z))*p.span>>31 + uint64(j)
}

// Interval returns the posterior interval of bucket j under N(mu, sigma²).
// mu and sigma are Q16, clamped to |mu| <= 256 and 2^-16 <= sigma <= 256
// (a posterior outside that range is no use for coding): bucket j has probability
// freq/2^Precision().
func (g *GaussianBuckets) Interval(j, mu, sigma int32) (start, freq uint32) {
	if j < 0 || int(j) >= len(g.centres) {
		panic(fmt.Sprintf("ans: bucket %d outside [0, %d)", j, len(g.centres)))
	}
	p := g.newPosterior(mu, sigma)
	lo := g.cum(&p, int(j))
	hi := g.cum(&p, int(j)+1)
	return uint32(lo), uint32(hi - lo)
}

// PushPosterior pushes buckets[i] onto lane with the posterior
// N(mu[i], sigma[i]²), the last dimension first so that PopPosterior
// returns them in index order.
func (g *GaussianBuckets) PushPosterior(m *Message, lane int, buckets, mu, sigma []int32) {
	checkLatent(len(buckets), len(mu), len(sigma))
	for i := len(buckets) - 1; i >= 0; i-- {
		start, freq := g.Interval(buckets[i], mu[i], sigma[i])
		m.Push(lane, start, freq, g.prec)
	}
}

// PopPosterior pops len(buckets) buckets from lane with the posteriors
// N(mu[i], sigma[i]²), in index order. It is the inverse of PushPosterior.
func (g *GaussianBuckets) PopPosterior(m *Message, lane int, mu, sigma []int32, buckets []int32) {
	checkLatent(len(buckets), len(mu), len(sigma))
	for i := range buckets {
		p := g.newPosterior(mu[i], sigma[i])
		slot := uint64(m.Peek(lane, g.prec))
		// The bucket j with c_j <= slot < c_{j+1}, with c_j and c_{j+1}
		// so that the interval costs no more evaluations.
		j, clo, chi := g.searchBucket(&p, clampSigma(sigma[i]), slot)
		m.Pop(lane, uint32(clo), uint32(chi-clo), g.prec)
		buckets[i] = int32(j)
	}
}

// PushPrior pushes buckets onto lane with the prior, uniform over 2^k
// buckets: k bits each, the last first.
func (g *GaussianBuckets) PushPrior(m *Message, lane int, buckets []int32) {
	for i := len(buckets) - 1; i >= 0; i-- {
		b := buckets[i]
		if b < 0 || int(b) >= len(g.centres) {
			panic(fmt.Sprintf("ans: bucket %d outside [0, %d)", b, len(g.centres)))
		}
		m.Push(lane, uint32(b), 1, g.k)
	}
}

// PopPrior pops len(buckets) buckets from lane with the prior, in index
// order.
func (g *GaussianBuckets) PopPrior(m *Message, lane int, buckets []int32) {
	for i := range buckets {
		b := m.Peek(lane, g.k)
		m.Pop(lane, b, 1, g.k)
		buckets[i] = int32(b)
	}
}

func checkLatent(nb, nmu, nsigma int) {
	if nb != nmu || nb != nsigma {
		panic(fmt.Sprintf("ans: %d buckets but %d means and %d scales", nb, nmu, nsigma))
	}
}
