package vae

// The autoregressive logistic likelihood (LogisticAR, SPEC.md section
// 3.4): the decoder gives the parameters of a K-component discretised
// logistic mixture per byte, as for Logistic, and the pixels already coded
// move each component's mean and scale. In the float model, for component
// k of pixel i with in-image causal neighbours n_j,
//
//	mean'_k(i) = mean_k(i) + sum_j R[k,j]·(s(n_j) - mean_k(n_j))
//	lsc'_k(i)  = clamp(lsc_k(i) + G[k, g_i], logScaleMin, logScaleMax)
//
// a linear predictor of the decoder's residuals at the neighbours, and a
// log-scale offset by the local gradient g_i = (|W-NW| + |N-NW| + |N-NE|)
// >> 4 in [0, 48). R = 0, G = 0 is the pixel-independent Logistic. The
// integer model holds R in Q12 and G in steps of the inverse-scale table
// (1/32 of a natural log), and works in the units of logistic.go: means
// in 1/16 byte.

import (
	"encoding/binary"
	"fmt"
	"math"
)

const (
	ar8Res     = 6  // residual neighbours: W, N, NW, NE, WW, NN
	ar8Buckets = 48 // local-gradient buckets
	ar8WFrac   = 12 // fixed-point bits of the residual weights
	ar8WMax    = 1 << 15
	ar8GMax    = 1024
	// ar8Gain scales the trained tables (R = ar8Gain·raw, G likewise), so
	// that Adam moves these few shared parameters ar8Gain times faster
	// than the nets' weights.
	ar8Gain = 4
)

// ar8Offsets are the residual neighbours (dx, dy).
var ar8Offsets = [ar8Res][2]int{{-1, 0}, {0, -1}, {-1, -1}, {1, -1}, {-2, 0}, {0, -2}}

// ar8Neigh returns the indices of pixel (x, y)'s residual neighbours in an
// image of width w, -1 for those outside, and its gradient bucket.
func ar8Neigh(rec []byte, w, x, y int, nb *[ar8Res]int) int {
	for j, o := range ar8Offsets {
		xx, yy := x+o[0], y+o[1]
		if xx >= 0 && xx < w && yy >= 0 {
			nb[j] = yy*w + xx
		} else {
			nb[j] = -1
		}
	}
	px := func(j int) int {
		if nb[j] < 0 {
			return 0
		}
		return int(rec[nb[j]])
	}
	W, N, NW, NE := px(0), px(1), px(2), px(3)
	g := absInt(W-NW) + absInt(N-NW) + absInt(N-NE)
	return g >> 4
}

func absInt(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// ar8Float holds the float tables of a LogisticAR model.
type ar8Float struct {
	R []float32 // [k*ar8Res + j] residual weights
	G []float32 // [k*ar8Buckets + b] log-scale offsets
}

func newAR8Float(K int) *ar8Float {
	return &ar8Float{R: make([]float32, K*ar8Res), G: make([]float32, K*ar8Buckets)}
}

func (a *ar8Float) clone() *ar8Float {
	if a == nil {
		return nil
	}
	return &ar8Float{R: append([]float32(nil), a.R...), G: append([]float32(nil), a.G...)}
}

// withAR8 returns a LogisticAR model whose nets are m's (a Logistic model)
// and whose tables are zero: the same negative ELBO as m.
func (m *FloatModel) withAR8() *FloatModel {
	c := m.Clone()
	c.Arch.Likelihood = LogisticAR
	c.AR8 = newAR8Float(c.Arch.Components)
	return c
}

// ar8NLL returns -log p(x|out) in nats for one record of a LogisticAR
// model and, if dout is not nil, sets dout to the gradient with respect to
// the decoder's outputs and accumulates the tables' gradients in p.gAR.
func (p *pass) ar8NLL(out []float32, x []byte, K int, dout []float32) float64 {
	ar := p.m.AR8
	R := len(x)
	w := imageWidth(R)
	if dout != nil {
		clear(dout)
	}
	var s float64
	var lp, dm, dls, logpi, mu [MaxComponents]float64
	var clamped [MaxComponents]bool
	var nb [ar8Res]int
	mean := func(k, i int) float64 { return logisticMid * (1 + float64(out[k*R+i])) }
	for i, v := range x {
		b := ar8Neigh(x, w, i%w, i/w, &nb)
		for k := range K {
			m := mean(k, i)
			for j, n := range nb {
				if n >= 0 {
					m += ar8Gain * float64(ar.R[k*ar8Res+j]) * (float64(x[n]) - mean(k, n))
				}
			}
			mu[k] = m
			ls := float64(out[(K+k)*R+i]) + logScaleOffset + ar8Gain*float64(ar.G[k*ar8Buckets+b])
			clamped[k] = ls < logScaleMin || ls > logScaleMax
			ls = min(max(ls, logScaleMin), logScaleMax)
			lp[k], dm[k], dls[k] = logisticLogP(v, m, ls)
		}
		// r[k]: responsibility of component k (1 if K = 1).
		var r [MaxComponents]float64
		if K == 1 {
			s -= lp[0]
			r[0] = 1
		} else {
			amax := math.Inf(-1)
			for k := range K {
				amax = max(amax, float64(out[(2*K+k)*R+i]))
			}
			var se float64
			for k := range K {
				se += math.Exp(float64(out[(2*K+k)*R+i]) - amax)
			}
			lse := amax + math.Log(se)
			tmax := math.Inf(-1)
			for k := range K {
				logpi[k] = float64(out[(2*K+k)*R+i]) - lse
				tmax = max(tmax, logpi[k]+lp[k])
			}
			var st float64
			for k := range K {
				st += math.Exp(logpi[k] + lp[k] - tmax)
			}
			total := tmax + math.Log(st)
			s -= total
			for k := range K {
				r[k] = math.Exp(logpi[k] + lp[k] - total)
				if dout != nil {
					dout[(2*K+k)*R+i] = float32(math.Exp(logpi[k]) - r[k])
				}
			}
		}
		if dout == nil {
			continue
		}
		for k := range K {
			g := -r[k] * dm[k] // d nll / d mean'
			dout[k*R+i] += float32(g * logisticMid)
			for j, n := range nb {
				if n >= 0 {
					wr := ar8Gain * float64(ar.R[k*ar8Res+j])
					dout[k*R+n] -= float32(g * wr * logisticMid)
					p.gAR[0][k*ar8Res+j] += float32(ar8Gain * g * (float64(x[n]) - mean(k, n)))
				}
			}
			if !clamped[k] {
				gl := -r[k] * dls[k]
				dout[(K+k)*R+i] += float32(gl)
				p.gAR[1][k*ar8Buckets+b] += float32(ar8Gain * gl)
			}
		}
	}
	return s
}

// ar8Tables quantises the float tables: residual weights in Q12, scale
// offsets in inverse-scale-table steps.
func ar8Tables(f *ar8Float) (rw, g []int32) {
	rw = make([]int32, len(f.R))
	for i, v := range f.R {
		rw[i] = int32(min(max(math.Round(ar8Gain*float64(v)*(1<<ar8WFrac)), -ar8WMax), ar8WMax))
	}
	g = make([]int32, len(f.G))
	for i, v := range f.G {
		g[i] = int32(min(max(math.Round(ar8Gain*float64(v)*invScaleSteps), -ar8GMax), ar8GMax))
	}
	return rw, g
}

// ar8Save keeps the decoder's clamped means and log-scale indices of n
// records (set by mixBatch.set) before the context adjusts them.
func (w *worker) ar8Save(out []int32, n int) {
	m := w.m
	R, K := m.Arch.RecordSize, m.Arch.Components
	P := m.Arch.Params()
	copy(w.ar8Mean[:n*R*K], w.mix.mean[:n*R*K])
	for r := range n {
		o := out[r*R*P:]
		for i := range R {
			for k := range K {
				w.ar8Ls[(r*R+i)*K+k] = o[(K+k)*R+i]
			}
		}
	}
}

// ar8Adjust sets the mixture parameters of byte i of batch slot r from
// the bytes of rec before it.
func (w *worker) ar8Adjust(r int, rec []byte, i int) {
	m := w.m
	R, K := len(rec), m.Arch.Components
	W := imageWidth(R)
	var nb [ar8Res]int
	b := ar8Neigh(rec, W, i%W, i/W, &nb)
	base := r * R
	last := int32(len(m.InvScaleTable) - 1)
	o := (base + i) * K
	for k := range K {
		var acc int64
		for j, n := range nb {
			if n >= 0 {
				acc += int64(m.AR8Res[k*ar8Res+j]) * (16*int64(rec[n]) - int64(w.ar8Mean[(base+n)*K+k]))
			}
		}
		mean := int64(w.ar8Mean[o+k]) + (acc+1<<(ar8WFrac-1))>>ar8WFrac
		w.mix.mean[o+k] = int32(min(max(mean, meanMin), meanMax))
		t := w.ar8Ls[o+k] + m.AR8Scale[k*ar8Buckets+b]
		w.mix.inv[o+k] = m.InvScaleTable[min(max(t, 0), last)]
	}
}

// ar8AdjustAll adjusts every byte of slot r (all bytes known).
func (w *worker) ar8AdjustAll(r int, rec []byte) {
	for i := range rec {
		w.ar8Adjust(r, rec, i)
	}
}

// appendAR8 appends the LogisticAR tables to a model file.
func appendAR8(b []byte, rw, g []int32) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(rw)))
	b = appendI32s(b, rw)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(g)))
	return appendI32s(b, g)
}

// ar8Tables reads the LogisticAR tables of a K-component model.
func (p *parser) ar8Tables(K int) (rw, g []int32, err error) {
	for t, want := range []int{K * ar8Res, K * ar8Buckets} {
		n, err := p.count(4)
		if err != nil {
			return nil, nil, err
		}
		if n != want {
			return nil, nil, fmt.Errorf("context table %d of %d entries, want %d", t, n, want)
		}
		v, err := p.i32s(n)
		if err != nil {
			return nil, nil, err
		}
		lim := int32(ar8WMax)
		if t == 1 {
			lim = ar8GMax
		}
		for _, x := range v {
			if x < -lim || x > lim {
				return nil, nil, fmt.Errorf("context table %d entry %d outside [-%d, %d]", t, x, lim, lim)
			}
		}
		if t == 0 {
			rw = v
		} else {
			g = v
		}
	}
	return rw, g, nil
}
