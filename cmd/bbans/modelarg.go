package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/bbans/bbans/format"
	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae"
)

// namedModel gives a model loaded from a file a name for archive headers
// and messages (vae names only its built-in models). Archives identify
// models by hash; the name is for people.
type namedModel struct {
	stream.Model
	name string
}

func (m namedModel) Name() string { return m.name }

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
	f, err := os.Open(spec)
	if err != nil {
		if os.IsNotExist(err) && !strings.ContainsAny(spec, `/\.`) {
			return nil, nil, fmt.Errorf("no built-in model %q (see 'bbans models') and no model file of that name", spec)
		}
		return nil, nil, err
	}
	defer f.Close()
	m, err := vae.ReadModel(f)
	if err != nil {
		return nil, nil, fmt.Errorf("model file %s: %w", spec, err)
	}
	return namedModel{stream.FromVAE(m), modelName(spec)}, m, nil
}

// modelName derives a model name from a file name: the base name without
// .bbm, cut to what the archive header can hold.
func modelName(path string) string {
	n := strings.TrimSuffix(filepath.Base(path), ".bbm")
	for len(n) > format.MaxNameLen {
		_, size := utf8.DecodeLastRuneInString(n)
		n = n[:len(n)-size]
	}
	return n
}
