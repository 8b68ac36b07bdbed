package vae_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae"
)

// The two binarizations of SPEC.md section 2 on one 8-byte record.
func ExampleBinarize() {
	d := &vae.Dataset{RecordSize: 8, Data: []byte{0, 30, 64, 127, 128, 200, 250, 255}}
	th, _ := vae.Binarize(d, vae.Threshold)
	sa, _ := vae.Binarize(d, vae.Sampled)
	fmt.Println(th.Data)
	fmt.Println(sa.Data)
	// Output:
	// [0 0 0 0 1 1 1 1]
	// [0 0 0 0 0 1 1 1]
}

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

// Training a model, quantising it and writing its model file: what
// `bbans train` does, here on 400 tiny synthetic records (two noisy 4x4
// patterns, binarized) so that it runs in a moment; for MNIST, the data
// come from vae.LoadMNIST and the architecture and epochs from README.md.
func ExampleTrain() {
	g := vae.SplitMix64{State: 1}
	data := make([]byte, 400*16)
	for i := range data {
		pattern := i / 16 % 2 // record r shows pattern r mod 2
		bit := byte(i%16/4+pattern) & 1
		if g.Next()%10 == 0 { // 10% noise
			bit ^= 1
		}
		data[i] = bit
	}
	all := &vae.Dataset{RecordSize: 16, Shape: vae.Shape{W: 4, H: 4, C: 1}, Data: data}
	train, held := all.Slice(0, 300), all.Slice(300, 400)
	cfg := vae.TrainConfig{
		Arch: vae.Arch{RecordSize: 16, Shape: all.Shape, Likelihood: vae.Bernoulli, Components: 1,
			EncHidden: []int{16}, Latent: 2, DecHidden: []int{16}},
		Epochs:  20,
		LR:      0.01,
		Seed:    1,
		Heldout: []vae.EvalSet{{Name: "held out", Data: held}},
	}
	f, err := vae.Train(cfg, train, nil)
	if err != nil {
		panic(err)
	}
	m, err := vae.Quantize(f, vae.QuantizeConfig{Calibration: train, Description: "my model"})
	if err != nil {
		panic(err)
	}
	cost, err := m.NegELBO(held, 1)
	if err != nil {
		panic(err)
	}
	var file bytes.Buffer
	if _, err := m.WriteTo(&file); err != nil {
		panic(err)
	}
	fmt.Println(m.Arch)
	// An independent bit per pixel would cost 1 bit/dim; the model
	// learnt the patterns, so it pays about the noise's entropy.
	fmt.Println("under 0.8 bits/dim:", cost.BitsPerByte() < 0.8)
	fmt.Println("model file:", file.Len(), "bytes")
	// Output:
	// 16-16-2-16-16/bernoulli
	// under 0.8 bits/dim: true
	// model file: 6460 bytes
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
