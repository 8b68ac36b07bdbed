package vae

import (
	"fmt"
	"strconv"
	"strings"
)

// Likelihood is the family of p(s|y), one distribution per byte of the
// record, independent given the latent.
type Likelihood uint8

const (
	// Bernoulli models bytes 0 and 1 (binarized records) by one logit per
	// byte.
	Bernoulli Likelihood = 1
	// Logistic models bytes 0..255 by a mixture of discretised logistics:
	// per byte and component a mean, a log-scale and (with more than one
	// component) a mixture logit. Byte v is the interval [v-0.5, v+0.5],
	// with 0 extended to -inf and 255 to +inf (PixelCNN++).
	Logistic Likelihood = 2
	// BernoulliAR models bytes 0 and 1 by one decoder logit per byte
	// refined by the bits of ten causal neighbours (ar_bernoulli.go):
	// p(s|y) = prod_i p(s_i | y, s_<i).
	BernoulliAR Likelihood = 3
	// LogisticAR is Logistic with each component's mean and scale moved by
	// the bytes of causal neighbours (ar_logistic.go).
	LogisticAR Likelihood = 4
	// ContextMix models bytes 0..255 one binary decision at a time, each
	// mixed from context-count tables over causal neighbours and one
	// decoder logit per byte (cm.go); its encoder sees the record
	// thresholded at 128.
	ContextMix Likelihood = 5
)

// isLogistic reports whether l is a discretised logistic mixture.
func (l Likelihood) isLogistic() bool { return l == Logistic || l == LogisticAR }

// Binary reports whether l codes bytes 0 and 1 only.
func (l Likelihood) Binary() bool { return l == Bernoulli || l == BernoulliAR }

// logitPerByte reports whether the decoder gives one logit index per byte
// (arIdx) that the likelihood turns into probabilities with the record.
func (l Likelihood) logitPerByte() bool { return l == BernoulliAR || l == ContextMix }

func (l Likelihood) String() string {
	switch l {
	case Bernoulli:
		return "bernoulli"
	case Logistic:
		return "logistic"
	case BernoulliAR:
		return "bernoulli-ar"
	case LogisticAR:
		return "logistic-ar"
	case ContextMix:
		return "context-mix"
	}
	return fmt.Sprintf("Likelihood(%d)", uint8(l))
}

// Arch is the shape of a VAE: encoder record -> EncHidden... -> (mean,
// log-sigma) of Latent Gaussians; decoder Latent -> DecHidden... -> the
// likelihood's parameters for each of the RecordSize bytes. Hidden layers
// are dense with ReLU.
type Arch struct {
	RecordSize int
	Likelihood Likelihood
	Components int // logistic mixture components; 1 for Bernoulli
	EncHidden  []int
	Latent     int
	DecHidden  []int
}

// Limits of an architecture.
const (
	MaxRecordSize = 1 << 16
	MaxWidth      = 1 << 14
	MaxLayers     = 8
	MaxLatent     = 1024
	MaxComponents = 8
)

// Params returns the number of likelihood parameters per byte.
func (a *Arch) Params() int {
	if a.Likelihood.Binary() || a.Likelihood == ContextMix {
		return 1
	}
	if a.Components == 1 {
		return 2
	}
	return 3 * a.Components
}

// Levels returns the number of byte values the likelihood codes: 2 or 256.
func (a *Arch) Levels() int {
	if a.Likelihood.Binary() {
		return 2
	}
	return 256
}

// Validate checks that a is a architecture this package can build.
func (a *Arch) Validate() error {
	if a.RecordSize < 1 || a.RecordSize > MaxRecordSize {
		return fmt.Errorf("vae: record size %d outside [1, %d]", a.RecordSize, MaxRecordSize)
	}
	switch a.Likelihood {
	case Bernoulli, BernoulliAR, ContextMix:
		if a.Components != 1 {
			return fmt.Errorf("vae: %v likelihood with %d components", a.Likelihood, a.Components)
		}
	case Logistic, LogisticAR:
		if a.Components < 1 || a.Components > MaxComponents {
			return fmt.Errorf("vae: %d logistic components outside [1, %d]", a.Components, MaxComponents)
		}
	default:
		return fmt.Errorf("vae: unknown likelihood %d", a.Likelihood)
	}
	if a.Latent < 1 || a.Latent > MaxLatent {
		return fmt.Errorf("vae: %d latents outside [1, %d]", a.Latent, MaxLatent)
	}
	for _, h := range [][]int{a.EncHidden, a.DecHidden} {
		if len(h) > MaxLayers {
			return fmt.Errorf("vae: %d hidden layers, at most %d", len(h), MaxLayers)
		}
		for _, w := range h {
			if w < 1 || w > MaxWidth {
				return fmt.Errorf("vae: hidden width %d outside [1, %d]", w, MaxWidth)
			}
		}
	}
	if a.RecordSize*a.Params() > MaxRecordSize*3*MaxComponents {
		return fmt.Errorf("vae: too many outputs")
	}
	return nil
}

// String gives the architecture as 784-500-50-500-784/bernoulli.
func (a Arch) String() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(a.RecordSize))
	for _, h := range a.EncHidden {
		b.WriteString("-" + strconv.Itoa(h))
	}
	b.WriteString("-" + strconv.Itoa(a.Latent))
	for _, h := range a.DecHidden {
		b.WriteString("-" + strconv.Itoa(h))
	}
	b.WriteString("-" + strconv.Itoa(a.RecordSize) + "/" + a.Likelihood.String())
	if a.Likelihood.isLogistic() {
		b.WriteString("x" + strconv.Itoa(a.Components))
	}
	return b.String()
}

// encSizes returns the widths of the encoder layers, input first.
func (a *Arch) encSizes() []int {
	s := append([]int{a.RecordSize}, a.EncHidden...)
	return append(s, 2*a.Latent)
}

// decSizes returns the widths of the decoder layers, input first.
func (a *Arch) decSizes() []int {
	s := append([]int{a.Latent}, a.DecHidden...)
	return append(s, a.RecordSize*a.Params())
}

// MACs returns the multiply-adds of the encoder and of the decoder for one
// record.
func (a *Arch) MACs() (enc, dec int) {
	for _, p := range [][]int{a.encSizes(), a.decSizes()} {
		n := 0
		for i := 1; i < len(p); i++ {
			n += p[i-1] * p[i]
		}
		if enc == 0 {
			enc = n
		} else {
			dec = n
		}
	}
	return enc, dec
}
