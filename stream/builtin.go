package stream

import (
	"slices"

	"github.com/bbans/bbans/vae"
)

// vaeModel adapts a vae.Model to Model.
type vaeModel struct{ *vae.Model }

func (m vaeModel) NewCoder(lanes int) Coder { return m.Model.NewCoder(lanes) }

// FromVAE returns m as a Model a stream can code with.
func FromVAE(m *vae.Model) Model { return vaeModel{m} }

// DefaultModel is the name of the model a Writer uses for binarized records
// when none is given; 8-bit records go to "mnist-cm" (see Writer).
const DefaultModel = "mnist-bin-ar"

// preferred is the order in which a Writer with no model tries the built-in
// models: the best rate first (the autoregressive and context-mixing ones), and for each kind
// the binarized model before the 8-bit one. A Writer chooses the first
// registered model that can code (nearly) every record of its first chunk,
// so binarized data gets the binarized model and anything else an 8-bit one.
var preferred = []string{"mnist-bin-ar", "mnist-cm", "mnist-ar", "mnist-bin", "mnist"}

// builtinOrder returns the built-in model names, preferred ones first, then
// any others in vae's order.
func builtinOrder() []string {
	names := vae.BuiltinNames()
	order := make([]string, 0, len(names))
	for _, p := range preferred {
		if slices.Contains(names, p) {
			order = append(order, p)
		}
	}
	for _, n := range names {
		if !slices.Contains(order, n) {
			order = append(order, n)
		}
	}
	return order
}

func init() {
	for _, name := range builtinOrder() {
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
