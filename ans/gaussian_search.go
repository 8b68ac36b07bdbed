package ans

// PopPosterior's search for the bucket of a slot. The bucket j with
// c_j <= slot < c_{j+1} is unique (every bucket has a frequency of at least
// 1, so c is strictly increasing), so any search that brackets it finds
// the same one: a plain binary search over the 2^k buckets evaluates the
// CDF k times (12 for the built-in models, a fifth of binarized
// compression), while a search started from a good guess needs about two.
//
// The guess inverts the coding: the slot is about the posterior's CDF at
// the bucket's edge, so the edge is about mu + sigma·Φ^-1(slot/2^prec) and
// the bucket about 2^k·Φ(edge), since the edges are the prior's quantiles.
// Φ^-1 is interpolated in quantileGuess. The guess only decides where the
// search starts, never what it finds.

// guessBits sets the resolution of quantileGuess: 2^guessBits steps of
// probability.
const guessBits = 10

// quantileGuess[i] = normQuantile(i/2^guessBits) in Q16: the points
// between which guess interpolates Φ^-1.
var quantileGuess = func() (q [1<<guessBits + 1]int32) {
	for i := range q {
		q[i] = normQuantile(uint32(uint64(i) << (31 - guessBits)))
	}
	return q
}()

// guess returns a bucket near the one that holds slot under posterior p
// of clamped standard deviation sigma (Q16).
func (g *GaussianBuckets) guess(p *posterior, sigma int64, slot uint64) int {
	const fracBits = 31 - guessBits
	u := slot << (31 - g.prec) // slot/2^prec in Q31, below 2^31
	i := u >> fracBits
	f := int64(u & (1<<fracBits - 1))
	lo, hi := int64(quantileGuess[i]), int64(quantileGuess[i+1])
	z := lo + (hi-lo)*f>>fracBits // |z| <= 2^19
	edge := p.mu + sigma*z>>16    // |sigma·z| < 2^43
	return min(int(normCDF(edge)>>(31-g.k)), len(g.centres)-1)
}

// searchBucket returns the bucket j with c_j <= slot < c_{j+1} under
// posterior p and c_j, c_{j+1}: from guess's bucket it gallops (steps 1, 2,
// 4, ...) to bracket the slot, then halves the bracket.
func (g *GaussianBuckets) searchBucket(p *posterior, sigma int64, slot uint64) (j int, clo, chi uint64) {
	n := len(g.centres)
	top := uint64(1) << g.prec
	lo, hi := 0, n
	clo, chi = 0, top
	j = g.guess(p, sigma, slot)
	if c := g.cum(p, j); c <= slot {
		lo, clo = j, c
		for step := 1; ; step <<= 1 {
			h := lo + step
			if h >= n {
				break // hi stays n, chi 2^prec > slot
			}
			if c := g.cum(p, h); c > slot {
				hi, chi = h, c
				break
			} else {
				lo, clo = h, c
			}
		}
	} else {
		hi, chi = j, c
		for step := 1; ; step <<= 1 {
			l := hi - step
			if l <= 0 {
				break // lo stays 0, clo 0 <= slot
			}
			if c := g.cum(p, l); c <= slot {
				lo, clo = l, c
				break
			} else {
				hi, chi = l, c
			}
		}
	}
	return g.bisect(p, slot, lo, hi, clo, chi)
}

// searchBucketBisect is the plain binary search over all 2^k buckets that
// searchBucket must agree with (the tests and benchmarks compare them).
func (g *GaussianBuckets) searchBucketBisect(p *posterior, slot uint64) (j int, clo, chi uint64) {
	return g.bisect(p, slot, 0, len(g.centres), 0, uint64(1)<<g.prec)
}

// bisect halves the bracket [lo, hi) of buckets, with clo = c_lo <= slot <
// chi = c_hi, down to the one bucket that holds slot.
func (g *GaussianBuckets) bisect(p *posterior, slot uint64, lo, hi int, clo, chi uint64) (j int, cj, cnext uint64) {
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if c := g.cum(p, mid); c <= slot {
			lo, clo = mid, c
		} else {
			hi, chi = mid, c
		}
	}
	return lo, clo, chi
}
