package vae

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bbans/bbans/vae/dataset"
)

// Arch is the shape of a VAE: encoder record -> EncHidden... -> (mean,
// log-sigma) of Latent Gaussians; decoder Latent -> DecHidden... -> the
// likelihood's parameters for each of the RecordSize bytes. Hidden layers
// are dense with ReLU.
type Arch struct {
	RecordSize int
	// Shape is the image a record stands for (Shape.Size() = RecordSize);
	// zero means dataset.LegacyShape(RecordSize), what a model file
	// without a shape holds (RecordShape).
	Shape      dataset.Shape
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

// Params returns the number of likelihood parameters per byte: the
// decoder's outputs per byte (0 for a likelihood without nets).
func (a *Arch) Params() int { return a.Likelihood.Family().Params(a) }

// Levels returns the number of byte values the likelihood codes: 2 or 256.
func (a *Arch) Levels() int { return a.Likelihood.Family().Alphabet() }

// Validate checks that a is a architecture this package can build.
func (a *Arch) Validate() error {
	if a.RecordSize < 1 || a.RecordSize > MaxRecordSize {
		return fmt.Errorf("vae: record size %d outside [1, %d]", a.RecordSize, MaxRecordSize)
	}
	if !a.Shape.IsZero() {
		if err := a.Shape.Validate(); err != nil {
			return err
		}
		if a.Shape.Size() != a.RecordSize {
			return fmt.Errorf("vae: shape %v of %d bytes for records of %d", a.Shape, a.Shape.Size(), a.RecordSize)
		}
	}
	f := a.Likelihood.Family()
	if f == nil {
		return fmt.Errorf("vae: unknown likelihood %d", a.Likelihood)
	}
	if mc := f.MaxComponents(); mc == 1 && a.Components != 1 {
		return fmt.Errorf("vae: %v likelihood with %d components", a.Likelihood, a.Components)
	} else if a.Components < 1 || a.Components > mc {
		return fmt.Errorf("vae: %d %v components outside [1, %d]", a.Components, a.Likelihood, mc)
	}
	if a.Latent < 0 || a.Latent > MaxLatent {
		return fmt.Errorf("vae: %d latents outside [0, %d]", a.Latent, MaxLatent)
	}
	if a.Latent == 0 && len(a.EncHidden)+len(a.DecHidden) > 0 {
		return fmt.Errorf("vae: hidden layers without latents")
	}
	if a.Latent > 0 && f.Params(a) < 1 {
		return fmt.Errorf("vae: %v likelihood takes no decoder outputs, so no latents", a.Likelihood)
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
	if f := a.Likelihood.Family(); f != nil && f.MaxComponents() > 1 {
		b.WriteString("x" + strconv.Itoa(a.Components))
	}
	return b.String()
}

// encSizes returns the widths of the encoder layers, input first (none
// without latents).
func (a *Arch) EncoderSizes() []int {
	if a.Latent == 0 {
		return nil
	}
	s := append([]int{a.RecordSize}, a.EncHidden...)
	return append(s, 2*a.Latent)
}

// decSizes returns the widths of the decoder layers, input first (none
// without latents).
func (a *Arch) DecoderSizes() []int {
	if a.Latent == 0 {
		return nil
	}
	s := append([]int{a.Latent}, a.DecHidden...)
	return append(s, a.RecordSize*a.Params())
}

// MACs returns the multiply-adds of the encoder and of the decoder for one
// record.
func (a *Arch) MACs() (enc, dec int) {
	for _, p := range [][]int{a.EncoderSizes(), a.DecoderSizes()} {
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

// RecordShape returns the shape of a's records: a.Shape, or if that is
// not given, dataset.LegacyShape(a.RecordSize).
func (a *Arch) RecordShape() dataset.Shape {
	if a.Shape.IsZero() {
		return dataset.LegacyShape(a.RecordSize)
	}
	return a.Shape
}
