package vae

// Integer discretised logistic mixture (SPEC.md section 3.4).
//
// For byte i and component k the decoder gives three requantised values:
// the mean in units of 1/16 byte (clamped to [meanMin, meanMax]), an index
// into InvScaleTable (64/s in Q12, s the scale in bytes), and, with more
// than one component, the mixture logit in units of 1/16 (clamped to
// [-mixLogitMax, mixLogitMax]). The mixture weights are
//
//	w_k = ExpTable[min(max_j t_j - t_k, len-1)],  pi_k = floor(w_k·2^16 / sum_j w_j).
//
// The CDF at the edge between bytes j-1 and j (j = 1..255, edge j - 1/2) is
//
//	a_k = floor((16j - 8 - mean_k) · inv_k / 2^12)   (Q10, the logistic's argument)
//	C(j) = sum_k floor(pi_k · sigmoid(a_k) / 2^16)    (Q30; C = sigmoid(a_0) if K = 1)
//	c(j) = floor(C(j) · (2^P - 256) / 2^30) + j       (P = LikPrec)
//
// with c(0) = 0 and c(256) = 2^P, so byte v has the interval [c(v),
// c(v+1)) and a frequency of at least 1 whatever the parameters. sigmoid
// interpolates SigmoidTable linearly (sigmoidQ30).

const (
	meanMin       = -16 * 1024
	meanMax       = 16 * 1280
	mixLogitMax   = 16 * 16
	sigmoidSteps  = 32 // table entries per unit of the argument
	sigmoidRange  = 16 // the table covers [-16, 16]
	sigmoidLen    = 2*sigmoidRange*sigmoidSteps + 1
	invScaleSteps = 32 // log-scale steps per unit (natural log)
	mixLogitSteps = 16
)

// sigmoidQ30 returns the logistic function of a (Q10) in Q30 by linear
// interpolation in t (sigmoidLen entries at steps of 1/32 from -16).
// It is non-decreasing in a.
func sigmoidQ30(t []uint32, a int64) uint32 {
	const lim = sigmoidRange << 10
	if a <= -lim {
		return t[0]
	}
	if a >= lim {
		return t[len(t)-1]
	}
	u := uint64(a + lim) // (0, 2^15)
	i := u >> 5
	f := u & 31
	lo, hi := uint64(t[i]), uint64(t[i+1])
	return uint32(lo + (hi-lo)*f>>5)
}

// mixBatch holds the integer parameters of a batch of bytes.
type mixBatch struct {
	K    int
	mean []int32 // [byte*K + k], 1/16 byte
	inv  []int32 // [byte*K + k], 64/s in Q12
	pi   []int32 // [byte*K + k], Q16 (only K > 1)
}

func newMixBatch(K, n int) mixBatch {
	b := mixBatch{K: K, mean: make([]int32, n*K), inv: make([]int32, n*K)}
	if K > 1 {
		b.pi = make([]int32, n*K)
	}
	return b
}

// set fills the parameters of record r from the decoder's requantised
// outputs out (param-major, R bytes).
func (b *mixBatch) set(m *Model, r int, out []int32, R int) {
	K := b.K
	lastInv := int32(len(m.InvScaleTable) - 1)
	lastExp := int32(len(m.ExpTable) - 1)
	for i := range R {
		o := (r*R + i) * K
		for k := range K {
			b.mean[o+k] = min(max(out[k*R+i], meanMin), meanMax)
			b.inv[o+k] = m.InvScaleTable[min(max(out[(K+k)*R+i], 0), lastInv)]
		}
		if K == 1 {
			continue
		}
		var t [MaxComponents]int32
		mx := int32(-mixLogitMax)
		for k := range K {
			t[k] = min(max(out[(2*K+k)*R+i], -mixLogitMax), mixLogitMax)
			mx = max(mx, t[k])
		}
		var w [MaxComponents]int64
		var sum int64
		for k := range K {
			w[k] = int64(m.ExpTable[min(mx-t[k], lastExp)])
			sum += w[k]
		}
		for k := range K {
			b.pi[o+k] = int32(w[k] << 16 / sum)
		}
	}
}

// cdf returns c(j) for byte position p (index into the batch), j in
// [0, 256], at precision prec.
func (b *mixBatch) cdf(sig []uint32, p int, j int, prec uint) uint32 {
	if j <= 0 {
		return 0
	}
	if j >= 256 {
		return 1 << prec
	}
	e := int64(16*j - 8)
	o := p * b.K
	var c uint64
	if b.K == 1 {
		a := (e - int64(b.mean[o])) * int64(b.inv[o]) >> 12
		c = uint64(sigmoidQ30(sig, a))
	} else {
		for k := range b.K {
			a := (e - int64(b.mean[o+k])) * int64(b.inv[o+k]) >> 12
			c += uint64(b.pi[o+k]) * uint64(sigmoidQ30(sig, a)) >> 16
		}
	}
	return uint32(c*(1<<prec-256)>>30) + uint32(j)
}

// interval returns the coding interval of byte v at position p.
func (b *mixBatch) interval(sig []uint32, p int, v byte, prec uint) (start, freq uint32) {
	lo := b.cdf(sig, p, int(v), prec)
	hi := b.cdf(sig, p, int(v)+1, prec)
	return lo, hi - lo
}

// find returns the byte whose interval holds slot, by binary search.
func (b *mixBatch) find(sig []uint32, p int, slot uint32, prec uint) (v byte, start, freq uint32) {
	// The byte v with c(v) <= slot < c(v+1) is unique (c is strictly
	// increasing), so any search finds the same one; this one starts at the
	// heaviest component's mean and gallops outwards, because most pixels
	// are confidently near it (MNIST's background is 0): one or two CDF
	// evaluations instead of the eight of a plain binary search.
	lo, hi := 0, 256 // c(lo) <= slot < c(hi)
	clo, chi := uint32(0), uint32(1)<<prec
	o := p * b.K
	best := 0
	for k := 1; k < b.K; k++ {
		if b.pi[o+k] > b.pi[o+best] {
			best = k
		}
	}
	g := min(max((int(b.mean[o+best])+8)>>4, 0), 255)
	if c := b.cdf(sig, p, g, prec); c <= slot {
		lo, clo = g, c
		for step := 1; lo+step < hi; step *= 2 {
			j := lo + step
			c := b.cdf(sig, p, j, prec)
			if c > slot {
				hi, chi = j, c
				break
			}
			lo, clo = j, c
		}
	} else {
		hi, chi = g, c
		for step := 1; hi-step > lo; step *= 2 {
			j := hi - step
			c := b.cdf(sig, p, j, prec)
			if c <= slot {
				lo, clo = j, c
				break
			}
			hi, chi = j, c
		}
	}
	for hi-lo > 1 {
		mid := (lo + hi) >> 1
		if c := b.cdf(sig, p, mid, prec); c <= slot {
			lo, clo = mid, c
		} else {
			hi, chi = mid, c
		}
	}
	return byte(lo), clo, chi - clo
}
