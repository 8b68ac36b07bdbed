package cmix

import "math/bits"

// Version 4's online least-squares predictors: per channel, the weights
// that minimise the decayed squared error of a linear prediction from the
// same inputs as the fitted predictor (linear.go), refitted at every pixel
// from the pixels coded so far in the record. The fitted predictor is one
// for all records of a class; this one follows the texture of the record
// at hand (paq8px's image models run such predictors). Everything is
// integer: the decayed sums are int64, and the normal equations are
// solved by an LDLᵀ factorisation in fixed point with truncating
// divisions, so every coder computes the same weights.
//
// The inputs are the fitted predictor's and its prediction. The sums
// start at 0 for each record (so the predictor learns the same whether or
// not the coder adapts) and a ridge term pulls the system towards taking
// the fitted prediction as it is: (A + λI) w = b + λw0, with w0 all 0 but
// the fitted prediction's weight 1, which is w0 until pixels have been
// seen. Measured on 300 Fashion-MNIST test images (priming's fit on 5,000
// training ones): mean squared error 751 against the fitted predictor's
// 830 at a memory of 2^6 pixels and λ = 2^20 (2^7: 763, 2^8: 782; λ = 2^16
// overfits, 878; 2^24 clings to w0, 788).

const (
	olsDecay = 6  // A ← A - A>>olsDecay + x xᵀ<<olsScale: a memory of about 2^olsDecay pixels
	olsScale = 4  // fraction bits of the sums, so that the decay's truncation is small
	olsRidge = 20 // λ = 2^olsRidge in the sums' units
	olsFrac  = 16 // fraction bits of the weights and of L
	olsLMax  = 1 << 20
	olsN     = linInputs + 1 // the most inputs
	olsAMax  = 28            // the system is shifted down to keep A's diagonal below 2^olsAMax
)

type olsState struct {
	n    [MaxChannels]int       // active inputs per channel
	idx  [MaxChannels][olsN]int // their indices in the fitted predictor's inputs
	w0   [MaxChannels][olsN]int64
	a    [MaxChannels][olsN * olsN]int64
	b    [MaxChannels][olsN]int64
	x    [MaxChannels][olsN]int64 // the inputs at the pixel being coded
	pred [MaxChannels]int32       // the prediction in half levels

	// factorisation scratch
	l  [olsN * olsN]int64
	dg [olsN]int64
	z  [olsN]int64
}

func newOLS(m *Model) *olsState {
	o := &olsState{}
	for ch := 0; ch < m.p.C; ch++ {
		// The neighbours of the channel, the earlier channels' values
		// the fitted predictor reads for it, and the constant.
		n := 0
		for j := 0; j < linInputs; j++ {
			if (j >= 10 && j < 14 && ch == 0) || (j == 14 && ch < 2) {
				continue
			}
			o.idx[ch][n] = j
			n++
		}
		// The last input is the fitted prediction, in half levels: the
		// prior weights take it as it is.
		o.w0[ch][n] = 1 << (olsFrac - 1)
		o.n[ch] = n + 1
	}
	return o
}

func (o *olsState) reset() {
	for ch := range o.a {
		clear(o.a[ch][:])
		clear(o.b[ch][:])
	}
}

// predict sets o.pred[ch] from the fitted predictor's inputs x and its
// prediction acc (in 2^-linShift levels).
func (o *olsState) predict(ch int, x *[linInputs]int32, acc int64) {
	n := o.n[ch]
	xs := &o.x[ch]
	for i := 0; i < n-1; i++ {
		xs[i] = int64(x[o.idx[ch][i]])
	}
	xs[n-1] = min(max(acc>>(linShift-1), -1<<12), 1<<12)
	w := o.solve(ch)
	var sum int64
	for i := 0; i < n; i++ {
		sum += w[i] * xs[i]
	}
	// Q16 levels to half levels, rounded.
	o.pred[ch] = int32(min(max((sum+1<<(olsFrac-2))>>(olsFrac-1), -1<<20), 1<<20))
}

// update adds the pixel whose value was v to channel ch's sums.
func (o *olsState) update(ch, v int) {
	n := o.n[ch]
	a := &o.a[ch]
	b := &o.b[ch]
	xs := &o.x[ch]
	y := int64(v)
	for i := 0; i < n; i++ {
		xi := xs[i]
		row := a[i*olsN : i*olsN+n]
		for j := i; j < n; j++ {
			row[j] += (xi*xs[j])<<olsScale - row[j]>>olsDecay
		}
		b[i] += (xi*y)<<olsScale - b[i]>>olsDecay
	}
}

// solve returns the weights (Q16) of (A + λI) w = b + λw0 for channel ch,
// by A = L D Lᵀ (L unit lower triangular in Q16; only A's upper triangle
// is kept, A[i][j] for j >= i).
func (o *olsState) solve(ch int) *[olsN]int64 {
	n := o.n[ch]
	a := &o.a[ch]
	w0 := &o.w0[ch]
	rhs := &o.z
	var top int64
	for i := 0; i < n; i++ {
		top = max(top, a[i*olsN+i])
	}
	top += 1 << olsRidge
	s := uint(max(0, bits.Len64(uint64(top))-olsAMax))
	lam := int64(1<<olsRidge) >> s
	for i := 0; i < n; i++ {
		rhs[i] = (o.b[ch][i] + (w0[i]<<olsRidge)>>olsFrac) >> s
	}
	L := &o.l
	D := &o.dg
	for j := 0; j < n; j++ {
		// e[k] = L[j][k]·D[k], kept in L's upper half as scratch.
		d := a[j*olsN+j]>>s + lam
		for k := 0; k < j; k++ {
			e := L[j*olsN+k] * D[k] >> olsFrac
			L[k*olsN+j] = e
			d -= L[j*olsN+k] * e >> olsFrac
		}
		d = max(d, 1)
		D[j] = d
		for i := j + 1; i < n; i++ {
			acc := (a[j*olsN+i] >> s) << olsFrac
			for k := 0; k < j; k++ {
				acc -= L[i*olsN+k] * L[k*olsN+j]
			}
			L[i*olsN+j] = min(max(acc/d, -olsLMax), olsLMax)
		}
	}
	// L z = rhs, then D y = z, then Lᵀ w = y.
	for i := 0; i < n; i++ {
		z := rhs[i]
		for k := 0; k < i; k++ {
			z -= L[i*olsN+k] * rhs[k] >> olsFrac
		}
		rhs[i] = z
	}
	w := &o.dg
	for i := n - 1; i >= 0; i-- {
		y := (rhs[i] << olsFrac) / D[i]
		for k := i + 1; k < n; k++ {
			y -= L[k*olsN+i] * w[k] >> olsFrac
		}
		w[i] = min(max(y, -olsLMax), olsLMax)
	}
	return w
}
