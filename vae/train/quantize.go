package train

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"

	"github.com/bbans/bbans/ans"
	"github.com/bbans/bbans/simd"
)

// QuantizeConfig configures Quantize.
type QuantizeConfig struct {
	BucketBits    uint // k, 2^k latent buckets; default 12
	PosteriorPrec uint // default 24
	LikPrec       uint // logistic likelihood precision; default 24 (Bernoulli is always 16)
	// Calibration records set the activation ranges (required).
	Calibration *dataset.Dataset
	// Quantile of a hidden layer's positive activations that maps to 255;
	// default 0.9999.
	Quantile float64
	// Seed of the posterior samples drawn during calibration.
	Seed        uint64
	Description string
}

// Sizes of the tables Quantize builds.
const (
	sigmaSteps = 32 // log-sigma table steps per unit
)

// Quantize turns a trained float model into the integer model: per-row
// int8 weights, per-layer uint8 activation scales calibrated on
// cfg.Calibration, requantisation multipliers, and the lookup tables.
func Quantize(f *FloatModel, cfg QuantizeConfig) (*vae.Model, error) {
	if cfg.BucketBits == 0 {
		cfg.BucketBits = 12
	}
	if cfg.PosteriorPrec == 0 {
		cfg.PosteriorPrec = 24
	}
	if cfg.LikPrec == 0 {
		cfg.LikPrec = 24
	}
	if cfg.Quantile == 0 {
		cfg.Quantile = 0.9999
	}
	a := f.Arch
	if cfg.Calibration == nil || cfg.Calibration.Len() == 0 || cfg.Calibration.RecordSize != a.RecordSize {
		return nil, errors.New("train: Quantize needs calibration records of the model's size")
	}
	tr := a.Likelihood.Trainable()
	if tr == nil {
		return nil, fmt.Errorf("train: the %v likelihood has no float training path", a.Likelihood)
	}
	if err := tr.CheckFloat(&a, f.Lik); err != nil {
		return nil, fmt.Errorf("train: %v", err)
	}
	lik, likPrec, err := tr.Quantize(&a, f.Lik, cfg.LikPrec)
	if err != nil {
		return nil, err
	}
	cfg.LikPrec = likPrec
	scales := calibrate(f, cfg)
	m := &vae.Model{Arch: a, BucketBits: cfg.BucketBits, PosteriorPrec: cfg.PosteriorPrec, LikPrec: cfg.LikPrec,
		Description: cfg.Description}
	m.Arch.EncHidden = slices.Clone(a.EncHidden)
	m.Arch.DecHidden = slices.Clone(a.DecHidden)
	d := a.Latent
	// Encoder.
	sIn := float64(inputScale(&a))
	for i, l := range f.Enc {
		var ql vae.Layer
		var err error
		if i < len(f.Enc)-1 {
			ql, err = quantHidden(l, sIn, scales.enc[i], 0)
			sIn = scales.enc[i]
		} else {
			ql, err = quantOutput(l, sIn, func(n int) (float64, float64) {
				if n < d {
					return 65536, 0
				}
				return sigmaSteps, -postLogSigmaMin
			})
		}
		if err != nil {
			return nil, fmt.Errorf("train: encoder layer %d: %w", i, err)
		}
		m.Enc = append(m.Enc, ql)
	}
	// Decoder: the input is the latent in units of 2^-LatentFracBits,
	// offset by 128.
	sIn = 1.0 / (1 << vae.LatentFracBits)
	for i, l := range f.Dec {
		var ql vae.Layer
		var err error
		off := 0
		if i == 0 {
			off = 128
		}
		if i < len(f.Dec)-1 {
			ql, err = quantHidden(l, sIn, scales.dec[i], off)
			sIn = scales.dec[i]
		} else {
			ql, err = quantOutput(l, sIn, func(n int) (float64, float64) { return tr.OutputUnit(&a, n) })
			if err == nil && off != 0 {
				err = offsetInput(&ql, off)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("train: decoder layer %d: %w", i, err)
		}
		m.Dec = append(m.Dec, ql)
	}
	m.SigmaTable = sigmaTable()
	m.Lik = lik
	return vae.Assemble(m)
}

// quantWeights returns the int8 weights of l with one scale per row
// (max |w| maps to 127).
func quantWeights(l *dense) ([]int8, []float64) {
	w := make([]int8, len(l.W))
	sc := make([]float64, l.Out)
	for n := range l.Out {
		row := l.W[n*l.In : (n+1)*l.In]
		var mx float64
		for _, v := range row {
			mx = max(mx, math.Abs(float64(v)))
		}
		s := mx / 127
		if s == 0 {
			s = 1
		}
		sc[n] = s
		for k, v := range row {
			w[n*l.In+k] = int8(min(max(math.Round(float64(v)/s), -127), 127))
		}
	}
	return w, sc
}

func roundBias(v float64) (int32, error) {
	r := math.Round(v)
	if !(math.Abs(r) < 1<<30) {
		return 0, fmt.Errorf("bias %g out of range", v)
	}
	return int32(r), nil
}

// quantHidden quantises a ReLU layer whose input has scale sIn and whose
// uint8 output has scale sOut. off is the input's offset (128 for the
// decoder's signed latent input).
func quantHidden(l *dense, sIn, sOut float64, off int) (vae.Layer, error) {
	w, sw := quantWeights(l)
	q := vae.Layer{N: l.Out, K: l.In, W: w, Bias: make([]int32, l.Out), Mult: make([]int32, l.Out),
		Shift: make([]uint8, l.Out), Lo: 0, Hi: 255}
	for n := range l.Out {
		sAcc := sIn * sw[n]
		var err error
		if q.Bias[n], err = roundBias(float64(l.B[n]) / sAcc); err != nil {
			return q, err
		}
		if q.Mult[n], q.Shift[n], err = simd.QuantizeMultiplier(sAcc / sOut); err != nil {
			return q, err
		}
	}
	if off != 0 {
		return q, offsetInput(&q, off)
	}
	return q, nil
}

// offsetInput corrects the biases of a layer fed in+off instead of in.
func offsetInput(q *vae.Layer, off int) error {
	for n := range q.N {
		var s int64
		for _, v := range q.W[n*q.K : (n+1)*q.K] {
			s += int64(v)
		}
		b := int64(q.Bias[n]) - int64(off)*s
		if b < -1<<31 || b >= 1<<31 {
			return errors.New("offset bias out of range")
		}
		q.Bias[n] = int32(b)
	}
	return nil
}

// quantOutput quantises an output layer whose row n computes
// (raw + shift(n)) * unit(n), as given by f(n) = (unit, shift).
func quantOutput(l *dense, sIn float64, f func(n int) (unit, shift float64)) (vae.Layer, error) {
	w, sw := quantWeights(l)
	q := vae.Layer{N: l.Out, K: l.In, W: w, Bias: make([]int32, l.Out), Mult: make([]int32, l.Out),
		Shift: make([]uint8, l.Out), Lo: math.MinInt32, Hi: math.MaxInt32}
	for n := range l.Out {
		unit, shift := f(n)
		sAcc := sIn * sw[n]
		var err error
		if q.Bias[n], err = roundBias((float64(l.B[n]) + shift) / sAcc); err != nil {
			return q, err
		}
		if q.Mult[n], q.Shift[n], err = simd.QuantizeMultiplier(sAcc * unit); err != nil {
			return q, err
		}
	}
	return q, nil
}

// sigmaTable is the posterior's standard deviation (Q16) by log-sigma
// index.
func sigmaTable() []int32 {
	n := int((postLogSigmaMax-postLogSigmaMin)*sigmaSteps) + 1
	t := make([]int32, n)
	for i := range n {
		s := math.Exp(postLogSigmaMin + float64(i)/sigmaSteps)
		t[i] = int32(max(1, math.Round(s*65536)))
	}
	return t
}

// actScales holds the uint8 activation scale of every hidden layer.
type actScales struct{ enc, dec []float64 }

// calibrate runs the float model over the calibration records and returns
// for each hidden layer the quantile of its positive activations / 255.
func calibrate(f *FloatModel, cfg QuantizeConfig) actScales {
	const bs = 250
	p := newPass(f, bs)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x63616c))
	ne, nd := len(f.Enc)-1, len(f.Dec)-1
	vals := make([][]float32, ne+nd)
	recs := make([][]byte, 0, bs)
	d := cfg.Calibration
	for lo := 0; lo < d.Len(); lo += bs {
		recs = recs[:0]
		for j := lo; j < min(lo+bs, d.Len()); j++ {
			recs = append(recs, d.Record(j))
		}
		p.forward(recs, rng, false)
		n := len(recs)
		for i := range ne {
			for _, v := range p.enc[i][:n*f.Enc[i].Out] {
				if v > 0 {
					vals[i] = append(vals[i], v)
				}
			}
		}
		for i := range nd {
			for _, v := range p.dec[i][:n*f.Dec[i].Out] {
				if v > 0 {
					vals[ne+i] = append(vals[ne+i], v)
				}
			}
		}
	}
	var s actScales
	for i, v := range vals {
		mx := 1.0
		if len(v) > 0 {
			slices.Sort(v)
			mx = float64(v[min(len(v)-1, int(cfg.Quantile*float64(len(v))))])
		}
		if i < ne {
			s.enc = append(s.enc, mx/255)
		} else {
			s.dec = append(s.dec, mx/255)
		}
	}
	return s
}

var _ = ans.MaxPrecision
