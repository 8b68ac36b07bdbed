package vae

// The discretised logistic mixture likelihood (Logistic, SPEC.md section
// 3.2), in integer arithmetic.
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

import (
	"fmt"
	"math"

	"github.com/bbans/bbans/ans"
)

// Logistic models bytes 0..255 by a mixture of discretised logistics: per
// byte and component a mean, a log-scale and (with more than one
// component) a mixture logit. Byte v is the interval [v-0.5, v+0.5], with
// 0 extended to -inf and 255 to +inf (PixelCNN++).
const Logistic Likelihood = 2

func init() { RegisterLikelihood(Logistic, logisticFamily{}) }

// The float parametrisation of a component (the decoder's raw outputs),
// which quantisation maps to the integer units below: the mean is
// logisticMid·(1+raw) in byte units, the log-scale raw+logScaleOffset
// clamped to [logScaleMin, logScaleMax].
const (
	logisticMid    = 127.5
	logScaleOffset = 2.0
	logScaleMin    = -2.5
	logScaleMax    = 6.0
)

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

type logisticFamily struct{}

func (logisticFamily) Name() string       { return "logistic" }
func (logisticFamily) Alphabet() int      { return 256 }
func (logisticFamily) MaxComponents() int { return MaxComponents }
func (logisticFamily) Params(a *Arch) int { return logisticParams(a.Components) }

// logisticParams is the decoder's outputs per byte of a K-component
// mixture: mean and log-scale per component, and mixture logits if K > 1.
func logisticParams(K int) int {
	if K == 1 {
		return 2
	}
	return 3 * K
}

func (logisticFamily) Parse(s *Section, a *Arch, likPrec uint) (Tables, error) {
	t, err := parseLogistic(s, a, likPrec)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// parseLogistic reads the tables of a logistic mixture (Logistic and
// LogisticAR).
func parseLogistic(s *Section, a *Arch, likPrec uint) (*logisticTables, error) {
	if likPrec < 12 || likPrec > 28 {
		return nil, fmt.Errorf("likelihood precision %d outside [12, 28]", likPrec)
	}
	v, err := s.v1Tables(a.Likelihood.String(), false, true, a.Components)
	if err != nil {
		return nil, err
	}
	return &logisticTables{invScale: v.invScale, sigmoid: v.sigmoid, exp: v.exp, prec: likPrec}, nil
}

// logisticTables are the tables of a logistic mixture: inverse scale by
// log-scale index (64/s in Q12), the sigmoid at steps of 1/32 over [-16,
// 16] (Q30), the mixture weight of a logit gap (Q16), and the precision P.
type logisticTables struct {
	invScale []int32
	sigmoid  []uint32
	exp      []int32
	prec     uint
}

func (t *logisticTables) AppendSection(b []byte) []byte {
	return (&v1Tables{invScale: t.invScale, sigmoid: t.sigmoid, exp: t.exp}).append(b)
}

func (t *logisticTables) NewCoder(a *Arch, slots int) LikCoder {
	c := &logisticCoder{t: t, R: a.RecordSize, K: a.Components}
	c.Reserve(slots)
	return c
}

// logisticCoder holds the mixture parameters of every byte of a batch.
type logisticCoder struct {
	t    *logisticTables
	R, K int
	mix  mixBatch
}

func (c *logisticCoder) Reserve(slots int) {
	if len(c.mix.mean) < slots*c.R*c.K {
		c.mix = newMixBatch(c.K, slots*c.R)
	}
}

func (c *logisticCoder) SetParams(slot int, out []int32) { c.mix.set(c.t, slot, out, c.R) }

func (c *logisticCoder) Push(m *ans.Message, lane, slot int, rec []byte) {
	c.mix.push(c.t, m, lane, slot*c.R, rec)
}

func (c *logisticCoder) Pop(m *ans.Message, lane, slot int, rec []byte) {
	for i := range rec {
		rec[i] = c.mix.pop(c.t, m, lane, slot*c.R+i)
	}
}

func (c *logisticCoder) Cost(slot int, rec []byte, f func(freq uint32, prec uint)) {
	c.mix.cost(c.t, slot*c.R, rec, f)
}

// push pushes the bytes of rec, whose parameters start at position p0 of
// the batch, last byte first.
func (b *mixBatch) push(t *logisticTables, m *ans.Message, lane, p0 int, rec []byte) {
	for i := len(rec) - 1; i >= 0; i-- {
		start, freq := b.interval(t.sigmoid, p0+i, rec[i], t.prec)
		m.Push(lane, start, freq, t.prec)
	}
}

// pop pops the byte at position p of the batch.
func (b *mixBatch) pop(t *logisticTables, m *ans.Message, lane, p int) byte {
	v, start, freq := b.find(t.sigmoid, p, m.Peek(lane, t.prec), t.prec)
	m.Pop(lane, start, freq, t.prec)
	return v
}

// cost calls f with the frequency of every byte of rec.
func (b *mixBatch) cost(t *logisticTables, p0 int, rec []byte, f func(freq uint32, prec uint)) {
	for i, v := range rec {
		_, freq := b.interval(t.sigmoid, p0+i, v, t.prec)
		f(freq, t.prec)
	}
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
func (b *mixBatch) set(m *logisticTables, r int, out []int32, R int) {
	K := b.K
	lastInv := int32(len(m.invScale) - 1)
	lastExp := int32(len(m.exp) - 1)
	for i := range R {
		o := (r*R + i) * K
		for k := range K {
			b.mean[o+k] = min(max(out[k*R+i], meanMin), meanMax)
			b.inv[o+k] = m.invScale[min(max(out[(K+k)*R+i], 0), lastInv)]
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
			w[k] = int64(m.exp[min(mx-t[k], lastExp)])
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

// The float path.

func (logisticFamily) InputScale() float32        { return 1.0 / 255 }
func (logisticFamily) Base() Likelihood           { return 0 }
func (logisticFamily) NewFloat(*Arch) [][]float32 { return nil }
func (logisticFamily) CheckFloat(_ *Arch, tabs [][]float32) error {
	return checkFloatTables(tabs, nil)
}

func (logisticFamily) NLL(a *Arch, _ [][]float32, out []float32, rec []byte, dout []float32, _ [][]float32) float64 {
	return logisticNLL(out, rec, a.Components, dout)
}

func (logisticFamily) OutputUnit(a *Arch, n int) (unit, shift float64) { return logisticUnit(a, n) }

// logisticUnit is how decoder output n of a logistic mixture is
// quantised: means in 1/16 byte, log-scales as indices into the
// inverse-scale table, mixture logits in 1/16.
func logisticUnit(a *Arch, n int) (unit, shift float64) {
	switch p := n / a.RecordSize; {
	case p < a.Components: // mean, 1/16 byte
		return 16 * logisticMid, 1
	case p < 2*a.Components: // log-scale index
		return invScaleSteps, logScaleOffset - logScaleMin
	default: // mixture logit, 1/16
		return mixLogitSteps, 0
	}
}

func (logisticFamily) Quantize(a *Arch, _ [][]float32, likPrec uint) (Tables, uint, error) {
	return newLogisticTables(a.Components, likPrec), likPrec, nil
}

// newLogisticTables computes the tables of a K-component mixture coded at
// precision prec.
func newLogisticTables(K int, prec uint) *logisticTables {
	t := &logisticTables{prec: prec}
	n := int((logScaleMax-logScaleMin)*invScaleSteps) + 1
	t.invScale = make([]int32, n)
	for i := range n {
		s := math.Exp(logScaleMin + float64(i)/invScaleSteps)
		t.invScale[i] = int32(math.Round(64 / s * 4096))
	}
	t.sigmoid = make([]uint32, sigmoidLen)
	for i := range sigmoidLen {
		t.sigmoid[i] = uint32(math.Round(sigmoid(float64(i)/sigmoidSteps-sigmoidRange) * (1 << 30)))
	}
	if K > 1 {
		t.exp = make([]int32, 2*mixLogitMax+1)
		for g := range t.exp {
			t.exp[g] = int32(math.Round(65536 * math.Exp(-float64(g)/mixLogitSteps)))
		}
	}
	return t
}
