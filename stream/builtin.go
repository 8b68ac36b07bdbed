package stream

import "github.com/bbans/bbans/vae"

// vaeModel adapts a vae.Model to Model.
type vaeModel struct{ *vae.Model }

func (m vaeModel) NewCoder(lanes int) Coder { return m.Model.NewCoder(lanes) }

// FromVAE returns m as a Model a stream can code with.
func FromVAE(m *vae.Model) Model { return vaeModel{m} }

// DefaultModel is the name of the model a Writer uses for binarized records
// when none is given; 8-bit records go to "mnist" (see Writer).
const DefaultModel = "mnist-bin"

// The built-in models register themselves, the binarized one first: a
// Writer with no model chooses the first registered model that can code
// every record of its first chunk, so binarized data gets the binarized
// model and anything else the 8-bit one.
func init() {
	for _, name := range vae.BuiltinNames() {
		m, err := vae.Builtin(name)
		if err != nil {
			panic(err) // the embedded files are part of the build
		}
		Register(FromVAE(m))
	}
	modelLoader = func(file []byte) (Model, error) {
		m, err := vae.ParseModel(file)
		if err != nil {
			return nil, err
		}
		return FromVAE(m), nil
	}
}
