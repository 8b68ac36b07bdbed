package vae

import (
	"fmt"
	"sync"

	"github.com/bbans/bbans/ans"
	"github.com/bbans/bbans/simd"
)

// Model is the integer VAE that bbans codes with. Its inference is int8
// weights, uint8 activations, int32 accumulators, multiply-and-shift
// requantisation and table look-ups, so every machine computes the same
// coding probabilities (SPEC.md section 3). A Model is immutable and safe
// for concurrent use; coding goes through a Coder (NewCoder) per
// goroutine. Load one with ReadModel, ParseModel or Builtin, or make one
// with Quantize; its exported fields are what the model file holds and
// must not be modified.
type Model struct {
	Arch Arch
	// Coding parameters.
	BucketBits    uint // k: 2^k buckets per latent
	PosteriorPrec uint // precision of the posterior's bucket frequencies
	LikPrec       uint // precision of the likelihood's frequencies
	Enc, Dec      []Layer
	// SigmaTable maps the requantised log-sigma outputs of the encoder to
	// the posterior's standard deviation in Q16 (entries >= 1).
	SigmaTable []int32
	// Lik is the likelihood's section of the model file, as its family
	// parsed it (Family.Parse).
	Lik         Tables
	Description string // free text: how the model was made

	name    string
	file    []byte
	hash    [32]byte
	buckets *ans.GaussianBuckets
	latIn   []uint8 // bucket -> decoder input byte
	packed  []*simd.PackedMatrix
	rq      []*simd.Requant
}

// Layer is one dense layer of the integer model:
//
//	acc[n] = Bias[n] + sum_k in[k]*W[n*K+k]        (int32, wrapping)
//	out[n] = clamp((acc[n]*Mult[n] + r) >> Shift[n], Lo, Hi)
//
// with r = 2^(Shift[n]-1) (0 if Shift[n] is 0) and >> arithmetic, in int64.
// Hidden layers have Lo = 0, Hi = 255 (a ReLU into uint8). Output layers
// have Lo = -2^31, Hi = 2^31-1, and each output is then clamped to the
// domain of what it stands for.
type Layer struct {
	N, K   int
	W      []int8
	Bias   []int32
	Mult   []int32
	Shift  []uint8
	Lo, Hi int32
}

// Latent-codec and likelihood constants of the integer model.
const (
	// LatentFracBits: the decoder's input for a latent is the bucket
	// centre in units of 2^-5, an int8 offset by 128 into a uint8.
	LatentFracBits = 5
	// MaxMoment is the clamp of the posterior mean, Q16 (256.0).
	MaxMoment = 1 << 24
	// BernoulliPrec is the precision of Bernoulli probabilities.
	BernoulliPrec = 16
)

// Name returns the model's short name ("mnist-bin"), or "" for a model
// that is not built in.
func (m *Model) Name() string { return m.name }

// Hash returns the SHA-256 of the model file, which names the model in
// archives.
func (m *Model) Hash() [32]byte { return m.hash }

// File returns the model file's bytes. The caller must not modify them.
func (m *Model) File() []byte { return m.file }

// RecordSize returns the bytes per record.
func (m *Model) RecordSize() int { return m.Arch.RecordSize }

// LatentSize returns the number of latent dimensions.
func (m *Model) LatentSize() int { return m.Arch.Latent }

// Codable reports whether the likelihood can code record: it has the
// model's size and every byte is in the likelihood's alphabet (0 or 1 for
// a binarized model).
func (m *Model) Codable(record []byte) bool {
	if len(record) != m.Arch.RecordSize {
		return false
	}
	if c, ok := m.Lik.(RecordChecker); ok {
		return c.Codable(record)
	}
	n := m.Arch.Likelihood.Family().Alphabet()
	if n >= 256 {
		return true
	}
	if n&(n-1) == 0 { // a power of two: no byte sets a bit of n or above
		var or byte
		for _, b := range record {
			or |= b
		}
		return int(or) < n
	}
	for _, b := range record {
		if int(b) >= n {
			return false
		}
	}
	return true
}

// Buckets returns the latent codec.
func (m *Model) Buckets() *ans.GaussianBuckets { return m.buckets }

// prepare builds the derived state: packed weights, requantisers, the
// bucket codec and the decoder's input table. The fields must be valid.
func (m *Model) prepare() error {
	m.buckets = gaussianBuckets(m.BucketBits, m.PosteriorPrec)
	cs := m.buckets.Centres()
	m.latIn = make([]uint8, len(cs))
	for j, c := range cs {
		m.latIn[j] = latentInput(c)
	}
	m.packed, m.rq = nil, nil
	for _, l := range append(append([]Layer(nil), m.Enc...), m.Dec...) {
		m.packed = append(m.packed, simd.Pack(l.W, l.N, l.K))
		q, err := simd.NewRequant(l.Mult, l.Shift, l.Lo, l.Hi)
		if err != nil {
			return fmt.Errorf("vae: %w", err)
		}
		m.rq = append(m.rq, q)
	}
	return nil
}

// latentInput maps a Q16 latent value to the decoder's input byte:
// clamp(floor((c + 2^10) / 2^11), -128, 127) + 128, the value rounded
// (half up) to a multiple of 2^-5.
func latentInput(c int32) uint8 {
	const sh = 16 - LatentFracBits
	v := (int64(c) + 1<<(sh-1)) >> sh
	v = min(max(v, -128), 127)
	return uint8(v + 128)
}

var bucketCodecs sync.Map // [2]uint{k, prec} -> *ans.GaussianBuckets

// gaussianBuckets returns the shared latent codec for (k, prec); building
// one costs a few milliseconds.
func gaussianBuckets(k, prec uint) *ans.GaussianBuckets {
	key := [2]uint{k, prec}
	if g, ok := bucketCodecs.Load(key); ok {
		return g.(*ans.GaussianBuckets)
	}
	g, _ := bucketCodecs.LoadOrStore(key, ans.NewGaussianBuckets(k, prec))
	return g.(*ans.GaussianBuckets)
}

// RecordChecker is implemented by Tables whose model codes fewer records
// than its family's alphabet allows (cmix codes the byte values it was
// primed on): Codable then decides, for records of the model's size.
type RecordChecker interface {
	Codable(record []byte) bool
}
