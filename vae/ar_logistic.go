package vae

// The autoregressive logistic likelihood (LogisticAR, SPEC.md section
// 3.4): the decoder gives the parameters of a K-component discretised
// logistic mixture per byte, as for Logistic, and the pixels already coded
// move each component's weight, mean and scale. Pixel i has a level
// context c_i in [0, 81) from its neighbours W, N, NW, NE, each 0 (below
// 8), 1 (below 192) or 2, and a gradient bucket g_i = (|W-NW| + |N-NW| +
// |N-NE|) >> 4 in [0, 48). In the float model, for component k with
// in-image causal neighbours n_j,
//
//	mean'_k(i) = mean_k(i) + sum_j R[k,c_i,j]·(s(n_j) - mean_k(n_j))
//	lsc'_k(i)  = clamp(lsc_k(i) + G[k,g_i] + S[k,c_i], logScaleMin, logScaleMax)
//	mix'_k(i)  = mix_k(i) + D[k,c_i]
//
// a linear predictor of the decoder's residuals at the neighbours whose
// weights depend on the local pattern, log-scale offsets by the local
// gradient and pattern, and a mixture-logit offset by the local pattern (which mode,
// background or ink, the neighbours make likely). All zero is the
// pixel-independent Logistic. The integer model holds R in Q12, G in steps
// of the inverse-scale table (1/32 of a natural log) like S, and D in the mixture
// logit's 1/16, and works in the units of logistic.go.

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/bbans/bbans/ans"
)

// LogisticAR is Logistic with each component's mean and scale moved by
// the bytes of causal neighbours.
const LogisticAR Likelihood = 4

func init() { RegisterLikelihood(LogisticAR, ar8Family{}) }

const (
	ar8Res      = 6  // residual neighbours: W, N, NW, NE, WW, NN
	ar8Ctx      = 81 // level contexts: 3^4
	ar8Buckets  = 48 // local-gradient buckets
	ar8WFrac    = 12 // fixed-point bits of the residual weights
	ar8WMax     = 1 << 15
	ar8GMax     = 1024
	ar8DMax     = 2 * mixLogitMax
	ar8LevelLo  = 8
	ar8LevelHi  = 192
	ar8MixSteps = mixLogitSteps
	// ar8Gain scales the trained tables (R = ar8Gain·raw, and so on), so
	// that Adam moves these shared parameters ar8Gain times faster than
	// the nets' weights.
	ar8Gain = 4
)

// ar8Offsets are the residual neighbours (dx, dy).
var ar8Offsets = [ar8Res][2]int{{-1, 0}, {0, -1}, {-1, -1}, {1, -1}, {-2, 0}, {0, -2}}

// ar8Level is the level of a byte: 0 below ar8LevelLo, 1 below
// ar8LevelHi, else 2.
var ar8Level = func() (t [256]uint8) {
	for v := range t {
		if v >= ar8LevelHi {
			t[v] = 2
		} else if v >= ar8LevelLo {
			t[v] = 1
		}
	}
	return t
}()

// ar8NeighFast is ar8Neigh for a pixel whose neighbours are all inside
// (x >= 2, y >= 2, x+1 < w).
func ar8NeighFast(rec []byte, w, i int, nb *[ar8Res]int) (ctx, bucket int) {
	nb[0], nb[1], nb[2], nb[3], nb[4], nb[5] = i-1, i-w, i-w-1, i-w+1, i-2, i-2*w
	W, N, NW, NE := int(rec[i-1]), int(rec[i-w]), int(rec[i-w-1]), int(rec[i-w+1])
	ctx = int(ar8Level[W]) + 3*int(ar8Level[N]) + 9*int(ar8Level[NW]) + 27*int(ar8Level[NE])
	return ctx, (absInt(W-NW) + absInt(N-NW) + absInt(N-NE)) >> 4
}

// ar8Neigh sets nb to the indices of pixel (x, y)'s residual neighbours in
// an image of width w (-1 for those outside) and returns its level context
// and gradient bucket.
func ar8Neigh(rec []byte, w, x, y int, nb *[ar8Res]int) (ctx, bucket int) {
	var v [4]int // W, N, NW, NE
	for j, o := range ar8Offsets {
		xx, yy := x+o[0], y+o[1]
		if xx >= 0 && xx < w && yy >= 0 {
			nb[j] = yy*w + xx
			if j < 4 {
				v[j] = int(rec[nb[j]])
			}
		} else {
			nb[j] = -1
		}
	}
	mul := 1
	for _, p := range v {
		l := 0
		if p >= ar8LevelHi {
			l = 2
		} else if p >= ar8LevelLo {
			l = 1
		}
		ctx += l * mul
		mul *= 3
	}
	g := absInt(v[0]-v[2]) + absInt(v[1]-v[2]) + absInt(v[1]-v[3])
	return ctx, g >> 4
}

func absInt(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

type ar8Family struct{}

func (ar8Family) Name() string       { return "logistic-ar" }
func (ar8Family) Alphabet() int      { return 256 }
func (ar8Family) MaxComponents() int { return MaxComponents }
func (ar8Family) Params(a *Arch) int { return logisticParams(a.Components) }

func (ar8Family) Parse(s *Section, a *Arch, likPrec uint) (Tables, error) {
	lt, err := parseLogistic(s, a, likPrec)
	if err != nil {
		return nil, err
	}
	t := &ar8Tables{logistic: lt}
	if err := s.ar8Tables(t, a.Components); err != nil {
		return nil, err
	}
	return t, nil
}

// ar8Tables are the tables of a LogisticAR model: the logistic mixture's,
// the residual weights (Q12), the log-scale offsets by local gradient, the
// mixture-logit offsets and the log-scale offsets by level context.
type ar8Tables struct {
	logistic                  *logisticTables
	res, scale, mix, ctxScale []int32
}

func (t *ar8Tables) AppendSection(b []byte) []byte {
	b = t.logistic.AppendSection(b)
	for _, v := range [][]int32{t.res, t.scale, t.mix, t.ctxScale} {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(v)))
		b = AppendI32s(b, v)
	}
	return b
}

func (t *ar8Tables) NewCoder(a *Arch, slots int) LikCoder {
	c := &ar8Coder{t: t, R: a.RecordSize, K: a.Components, W: a.RecordShape().RowBytes()}
	c.Reserve(slots)
	return c
}

// ar8Coder holds the decoder's clamped means, log-scale indices and
// clamped mixture logits of a batch, from which adjust makes each byte's
// mixture parameters as its neighbours become known.
type ar8Coder struct {
	t                *ar8Tables
	R, K, W          int
	mean, ls, mixLog []int32 // slots x R x K
	mix              mixBatch
}

func (c *ar8Coder) Reserve(slots int) {
	if n := slots * c.R * c.K; len(c.mean) < n {
		c.mean, c.ls, c.mixLog = make([]int32, n), make([]int32, n), make([]int32, n)
		c.mix = newMixBatch(c.K, slots*c.R)
	}
}

func (c *ar8Coder) Push(m *ans.Message, lane, slot int, rec []byte) {
	c.adjustAll(slot, rec)
	c.mix.push(c.t.logistic, m, lane, slot*c.R, rec)
}

func (c *ar8Coder) Pop(m *ans.Message, lane, slot int, rec []byte) {
	for i := range rec {
		c.adjust(slot, rec, i)
		rec[i] = c.mix.pop(c.t.logistic, m, lane, slot*c.R+i)
	}
}

func (c *ar8Coder) Cost(slot int, rec []byte, f func(freq uint32, prec uint)) {
	c.adjustAll(slot, rec)
	c.mix.cost(c.t.logistic, slot*c.R, rec, f)
}

// The float path: the tables R, G, D, S (ar8Float), all zero at the start
// (the pixel-independent Logistic of the base model).

func (ar8Family) InputScale() float32 { return 1.0 / 255 }
func (ar8Family) Base() Likelihood    { return Logistic }

func (ar8Family) NewFloat(a *Arch) [][]float32 {
	K := a.Components
	return [][]float32{make([]float32, K*ar8Ctx*ar8Res), make([]float32, K*ar8Buckets),
		make([]float32, K*ar8Ctx), make([]float32, K*ar8Ctx)}
}

func (ar8Family) CheckFloat(a *Arch, tabs [][]float32) error {
	K := a.Components
	return checkFloatTables(tabs, []int{K * ar8Ctx * ar8Res, K * ar8Buckets, K * ar8Ctx, K * ar8Ctx})
}

func (ar8Family) NLL(a *Arch, tabs [][]float32, out []float32, rec []byte, dout []float32, grads [][]float32) float64 {
	return ar8NLL(tabs, grads, out, rec, a.RecordShape().RowBytes(), a.Components, dout)
}

func (ar8Family) OutputUnit(a *Arch, n int) (unit, shift float64) { return logisticUnit(a, n) }

func (ar8Family) Quantize(a *Arch, tabs [][]float32, likPrec uint) (Tables, uint, error) {
	t := &ar8Tables{logistic: newLogisticTables(a.Components, likPrec)}
	t.res, t.scale, t.mix, t.ctxScale = ar8Quantize(tabs)
	if a.Components == 1 {
		t.mix = nil // one component: no mixture weights
	}
	return t, likPrec, nil
}

// ar8NLL returns -log p(x|out) in nats for one record of a LogisticAR
// model with tables tabs = (R, G, D, S), x an image of rows of w bytes,
// and, if dout is not nil, sets dout
// to the gradient with respect to the decoder's outputs and accumulates
// the tables' gradients in grads.
func ar8NLL(tabs, grads [][]float32, out []float32, x []byte, w, K int, dout []float32) float64 {
	ar := ar8Float{R: tabs[0], G: tabs[1], D: tabs[2], S: tabs[3]}
	R := len(x)
	if dout != nil {
		clear(dout)
	}
	var s float64
	var lp, dm, dls, logpi, alpha [MaxComponents]float64
	var clamped [MaxComponents]bool
	var nb [ar8Res]int
	mean := func(k, i int) float64 { return logisticMid * (1 + float64(out[k*R+i])) }
	for i, v := range x {
		c, b := ar8Neigh(x, w, i%w, i/w, &nb)
		for k := range K {
			m := mean(k, i)
			rw := ar.R[(k*ar8Ctx+c)*ar8Res:]
			for j, n := range nb {
				if n >= 0 {
					m += ar8Gain * float64(rw[j]) * (float64(x[n]) - mean(k, n))
				}
			}
			ls := float64(out[(K+k)*R+i]) + logScaleOffset + ar8Gain*float64(ar.G[k*ar8Buckets+b]+ar.S[k*ar8Ctx+c])
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
				alpha[k] = float64(out[(2*K+k)*R+i]) + ar8Gain*float64(ar.D[k*ar8Ctx+c])
				amax = max(amax, alpha[k])
			}
			var se float64
			for k := range K {
				se += math.Exp(alpha[k] - amax)
			}
			lse := amax + math.Log(se)
			tmax := math.Inf(-1)
			for k := range K {
				logpi[k] = alpha[k] - lse
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
					ga := math.Exp(logpi[k]) - r[k]
					dout[(2*K+k)*R+i] = float32(ga)
					grads[2][k*ar8Ctx+c] += float32(ar8Gain * ga)
				}
			}
		}
		if dout == nil {
			continue
		}
		for k := range K {
			g := -r[k] * dm[k] // d nll / d mean'
			dout[k*R+i] += float32(g * logisticMid)
			rw := ar.R[(k*ar8Ctx+c)*ar8Res:]
			gr := grads[0][(k*ar8Ctx+c)*ar8Res:]
			for j, n := range nb {
				if n >= 0 {
					dout[k*R+n] -= float32(g * ar8Gain * float64(rw[j]) * logisticMid)
					gr[j] += float32(ar8Gain * g * (float64(x[n]) - mean(k, n)))
				}
			}
			if !clamped[k] {
				gl := -r[k] * dls[k]
				dout[(K+k)*R+i] += float32(gl)
				grads[1][k*ar8Buckets+b] += float32(ar8Gain * gl)
				grads[3][k*ar8Ctx+c] += float32(ar8Gain * gl)
			}
		}
	}
	return s
}

// ar8Float names the float tables of a LogisticAR model.
type ar8Float struct {
	R []float32 // [(k*ar8Ctx + c)*ar8Res + j] residual weights
	G []float32 // [k*ar8Buckets + g] log-scale offsets
	D []float32 // [k*ar8Ctx + c] mixture-logit offsets
	S []float32 // [k*ar8Ctx + c] log-scale offsets
}

// ar8Quantize quantises the float tables (R, G, D, S): residual weights in
// Q12, scale offsets in inverse-scale-table steps, mixture offsets in 1/16.
func ar8Quantize(tabs [][]float32) (rw, g, d, sc []int32) {
	f := ar8Float{R: tabs[0], G: tabs[1], D: tabs[2], S: tabs[3]}
	q := func(v []float32, unit float64, lim int32) []int32 {
		out := make([]int32, len(v))
		for i, x := range v {
			out[i] = int32(min(max(math.Round(ar8Gain*float64(x)*unit), float64(-lim)), float64(lim)))
		}
		return out
	}
	return q(f.R, 1<<ar8WFrac, ar8WMax), q(f.G, invScaleSteps, ar8GMax), q(f.D, ar8MixSteps, ar8DMax),
		q(f.S, invScaleSteps, ar8GMax)
}

// SetParams keeps the decoder's clamped means, log-scale indices and
// clamped mixture logits of slot's record.
func (c *ar8Coder) SetParams(slot int, o []int32) {
	R, K := c.R, c.K
	for i := range R {
		for k := range K {
			j := (slot*R+i)*K + k
			c.mean[j] = min(max(o[k*R+i], meanMin), meanMax)
			c.ls[j] = o[(K+k)*R+i]
			if K > 1 {
				c.mixLog[j] = min(max(o[(2*K+k)*R+i], -mixLogitMax), mixLogitMax)
			}
		}
	}
}

// ar8Adjust sets the mixture parameters of byte i of batch slot r from
// the bytes of rec before it.
func (c *ar8Coder) adjust(r int, rec []byte, i int) {
	m := c.t
	R, K := len(rec), c.K
	W := c.W
	var nb [ar8Res]int
	var ctx, b int
	if x, y := i%W, i/W; x >= 2 && y >= 2 && x+1 < W {
		ctx, b = ar8NeighFast(rec, W, i, &nb)
	} else {
		ctx, b = ar8Neigh(rec, W, x, y, &nb)
	}
	base := r * R
	inv := m.logistic.invScale
	last := int64(len(inv) - 1)
	o := (base + i) * K
	for k := range K {
		var acc int64
		rw := m.res[(k*ar8Ctx+ctx)*ar8Res:]
		for j, n := range nb {
			if n >= 0 {
				acc += int64(rw[j]) * (16*int64(rec[n]) - int64(c.mean[(base+n)*K+k]))
			}
		}
		mean := int64(c.mean[o+k]) + (acc+1<<(ar8WFrac-1))>>ar8WFrac
		c.mix.mean[o+k] = int32(min(max(mean, meanMin), meanMax))
		t := int64(c.ls[o+k]) + int64(m.scale[k*ar8Buckets+b]) + int64(m.ctxScale[k*ar8Ctx+ctx])
		c.mix.inv[o+k] = inv[min(max(t, 0), last)]
	}
	if K == 1 {
		return
	}
	// Mixture weights as in mixBatch.set, from the offset logits.
	var t [MaxComponents]int32
	mx := int32(-mixLogitMax)
	for k := range K {
		t[k] = min(max(c.mixLog[o+k]+m.mix[k*ar8Ctx+ctx], -mixLogitMax), mixLogitMax)
		mx = max(mx, t[k])
	}
	exp := m.logistic.exp
	lastExp := int32(len(exp) - 1)
	var wt [MaxComponents]int64
	var sum int64
	for k := range K {
		wt[k] = int64(exp[min(mx-t[k], lastExp)])
		sum += wt[k]
	}
	for k := range K {
		c.mix.pi[o+k] = int32(wt[k] << 16 / sum)
	}
}

// adjustAll adjusts every byte of slot r (all bytes known).
func (c *ar8Coder) adjustAll(r int, rec []byte) {
	for i := range rec {
		c.adjust(r, rec, i)
	}
}

// ar8Tables reads the LogisticAR tables of a K-component model into m.
func (p *Section) ar8Tables(m *ar8Tables, K int) error {
	mixN := K * ar8Ctx
	if K == 1 {
		mixN = 0
	}
	for t, spec := range []struct {
		dst  *[]int32
		n    int
		lim  int32
		name string
	}{
		{&m.res, K * ar8Ctx * ar8Res, ar8WMax, "residual weights"},
		{&m.scale, K * ar8Buckets, ar8GMax, "scale offsets"},
		{&m.mix, mixN, ar8DMax, "mixture offsets"},
		{&m.ctxScale, K * ar8Ctx, ar8GMax, "context scale offsets"},
	} {
		n, err := p.Count(4)
		if err != nil {
			return err
		}
		if n != spec.n {
			return fmt.Errorf("%s: %d entries, want %d", spec.name, n, spec.n)
		}
		v, err := p.I32s(n)
		if err != nil {
			return err
		}
		for _, x := range v {
			if x < -spec.lim || x > spec.lim {
				return fmt.Errorf("%s: entry %d outside [-%d, %d]", spec.name, x, spec.lim, spec.lim)
			}
		}
		*spec.dst = v
		_ = t
	}
	return nil
}
