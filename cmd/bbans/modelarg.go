package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae"
)

// loadModel resolves -m: a built-in model's name, or the path of a model
// file (*.bbm) written by `bbans train`.
func loadModel(spec string) (stream.Model, *vae.Model, error) {
	if m, err := vae.Builtin(spec); err == nil {
		sm, err := stream.Lookup(spec)
		if err != nil {
			sm = stream.FromVAE(m)
		}
		return sm, m, nil
	}
	m, err := vae.ReadModelFile(spec)
	if err != nil {
		if os.IsNotExist(err) && !strings.ContainsAny(spec, `/\.`) {
			return nil, nil, fmt.Errorf("no built-in model %q (see 'bbans models') and no model file of that name", spec)
		}
		return nil, nil, err
	}
	return stream.FromVAE(m), m, nil
}
