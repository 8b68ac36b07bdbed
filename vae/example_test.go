package vae_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae"
)

// Coding probabilities come from a built-in model; its hash names it in
// archives.
func ExampleBuiltin() {
	m, err := vae.Builtin("mnist-bin")
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Name(), m.RecordSize(), m.Arch.Likelihood)
	// Output: mnist-bin 784 bernoulli
}

// The custom-model path: a model file (written by `bbans train` or
// Model.WriteTo) read with its name, coding records through package
// stream, and the archive decoded where the model is given again.
func ExampleReadModelFile() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	// A model file of our own: here the bytes of a built-in model.
	b, _ := vae.Builtin("mnist-bin")
	path := filepath.Join(dir, "digits.bbm")
	if err := os.WriteFile(path, b.File(), 0o644); err != nil {
		panic(err)
	}

	m, err := vae.ReadModelFile(path)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Name(), m.Arch)
	records := make([]byte, 3*m.RecordSize()) // three blank images
	archive, err := stream.EncodeAll(records, nil, stream.WithModel(stream.FromVAE(m)))
	if err != nil {
		panic(err)
	}
	back, err := stream.DecodeAll(archive, nil, stream.WithModels(stream.FromVAE(m)))
	if err != nil {
		panic(err)
	}
	fmt.Println(bytes.Equal(back, records))
	// Output:
	// digits 784-256-128-40-128-256-784/bernoulli
	// true
}
