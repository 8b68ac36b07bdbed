package train

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/bbans/bbans/vae"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Fixed parts of the float parametrisation, shared with the quantiser.
const (
	// The encoder's second half of outputs is log sigma, clamped here.
	postLogSigmaMin = -7.0
	postLogSigmaMax = 2.0
	// The decoder sees each latent rounded to a multiple of 2^-latentFrac
	// and clamped to [-128, 127]·2^-latentFrac (the integer decoder's int8
	// input); training passes gradients straight through the rounding.
	latentFrac = vae.LatentFracBits
)

// noLatentRounding turns quantLatent off (for the gradient test).
var noLatentRounding = false

// dense is a fully connected layer: y = W x + b with W row-major Out x In.
type dense struct {
	In, Out int
	W, B    []float32
}

func newDense(in, out int, rng *rand.Rand, gain float64) *dense {
	d := &dense{In: in, Out: out, W: make([]float32, in*out), B: make([]float32, out)}
	lim := gain * math.Sqrt(6/float64(in+out))
	for i := range d.W {
		d.W[i] = float32((2*rng.Float64() - 1) * lim)
	}
	return d
}

// forward computes y = x W^T + b for a batch: x is n x In, y is n x Out.
func (d *dense) forward(x []float32, n int, y []float32) {
	for r := range n {
		copy(y[r*d.Out:(r+1)*d.Out], d.B)
	}
	gonum.Implementation{}.Sgemm(blas.NoTrans, blas.Trans, n, d.Out, d.In, 1, x, d.In, d.W, d.In, 1, y, d.Out)
}

// backward accumulates gW += dy^T x and gB += sum dy, and if dx is not nil
// sets dx = dy W.
func (d *dense) backward(x, dy []float32, n int, gW, gB, dx []float32) {
	impl := gonum.Implementation{}
	impl.Sgemm(blas.Trans, blas.NoTrans, d.Out, d.In, n, 1, dy, d.Out, x, d.In, 1, gW, d.In)
	for r := range n {
		row := dy[r*d.Out : (r+1)*d.Out]
		for j, v := range row {
			gB[j] += v
		}
	}
	if dx != nil {
		impl.Sgemm(blas.NoTrans, blas.NoTrans, n, d.In, d.Out, 1, dy, d.Out, d.W, d.In, 0, dx, d.In)
	}
}

// FloatModel is the float VAE that training optimises; Quantize turns it
// into the integer Model.
type FloatModel struct {
	Arch vae.Arch
	Enc  []*dense // hidden layers then the (mean, log-sigma) layer
	Dec  []*dense // hidden layers then the likelihood-parameter layer

	// Lik are the likelihood's trainable tables (Trainable.NewFloat), for
	// example the causal-context refinements of BernoulliAR and
	// LogisticAR; nil for a likelihood without any.
	Lik [][]float32
}

// NewFloatModel returns a model with random initial weights drawn from a
// generator seeded with seed.
func NewFloatModel(a vae.Arch, seed uint64) (*FloatModel, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	tr := a.Likelihood.Trainable()
	if tr == nil {
		return nil, fmt.Errorf("train: the %v likelihood has no float training path", a.Likelihood)
	}
	if a.Latent == 0 {
		return nil, fmt.Errorf("train: a float model needs latents")
	}
	rng := rand.New(rand.NewPCG(seed, 0x766165))
	m := &FloatModel{Arch: a}
	es, ds := a.EncoderSizes(), a.DecoderSizes()
	for i := 1; i < len(es); i++ {
		g := math.Sqrt(2)
		if i == len(es)-1 {
			g = 0.5
		}
		m.Enc = append(m.Enc, newDense(es[i-1], es[i], rng, g))
	}
	for i := 1; i < len(ds); i++ {
		g := math.Sqrt(2)
		if i == len(ds)-1 {
			g = 0.5
		}
		m.Dec = append(m.Dec, newDense(ds[i-1], ds[i], rng, g))
	}
	m.Lik = tr.NewFloat(&a)
	return m, nil
}

func (m *FloatModel) layers() []*dense {
	return append(append([]*dense(nil), m.Enc...), m.Dec...)
}

// inputScale is the float value of input byte 1 (Trainable.InputScale):
// bytes are fed as v/255 to a logistic model and as 0/1 to a Bernoulli
// one.
func inputScale(a *vae.Arch) float32 { return a.Likelihood.Trainable().InputScale() }

// quantLatent rounds z to the decoder's input grid.
func quantLatent(z float32) float32 {
	if noLatentRounding {
		return z
	}
	q := math.Round(float64(z) * (1 << latentFrac))
	q = min(max(q, -128), 127)
	return float32(q / (1 << latentFrac))
}
