package vae

import (
	"fmt"
	"slices"
)

// Default coding parameters of the latents (Quantize's defaults), also
// written in the header of a model without nets, where they code nothing.
const (
	DefaultBucketBits    = 12
	DefaultPosteriorPrec = 24
)

// Assemble validates a model given by its exported fields (Arch,
// BucketBits, PosteriorPrec, LikPrec, Enc, Dec, SigmaTable, Lik,
// Description), encodes its model file and returns the model as
// ParseModel reads that file: what package train's Quantize does with the
// layers it makes.
func Assemble(m *Model) (*Model, error) {
	c := *m
	c.name, c.file = "", nil
	if err := c.finish(); err != nil {
		return nil, err
	}
	return &c, nil
}

// NewModel assembles a model from a likelihood's tables: lik is what a's
// family (a.Likelihood) would parse from the model file, at likelihood
// precision likPrec. With nets nil the model has none: a.Latent must be 0
// and a.EncHidden, a.DecHidden empty, and only the likelihood codes (a
// pure context model). Otherwise the model takes nets' encoder, decoder,
// sigma table and latent coding, whose shapes must be a's. The model goes
// through its model file, so it obeys exactly what a loaded one does.
func NewModel(a Arch, likPrec uint, lik Tables, nets *Model, description string) (*Model, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	m := &Model{Arch: a, LikPrec: likPrec, Lik: lik, Description: description,
		BucketBits: DefaultBucketBits, PosteriorPrec: DefaultPosteriorPrec}
	m.Arch.EncHidden = slices.Clone(a.EncHidden)
	m.Arch.DecHidden = slices.Clone(a.DecHidden)
	if nets == nil {
		if a.Latent != 0 {
			return nil, fmt.Errorf("vae: a model of %d latents needs nets", a.Latent)
		}
	} else {
		b := &nets.Arch
		if a.RecordSize != b.RecordSize || a.Latent != b.Latent || !slices.Equal(a.EncHidden, b.EncHidden) ||
			!slices.Equal(a.DecHidden, b.DecHidden) || a.Params() != b.Params() {
			return nil, fmt.Errorf("vae: nets of %v for an architecture %v", nets.Arch, a)
		}
		m.BucketBits, m.PosteriorPrec = nets.BucketBits, nets.PosteriorPrec
		m.Enc, m.Dec, m.SigmaTable = nets.Enc, nets.Dec, nets.SigmaTable
	}
	if err := m.finish(); err != nil {
		return nil, err
	}
	return m, nil
}
