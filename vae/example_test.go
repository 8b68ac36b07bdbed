package vae_test

import (
	"fmt"

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
// `bbans train` does. (Compiled, not run: a real run takes minutes.)
func ExampleTrain() {
	all, err := vae.LoadMNIST("train")
	if err != nil {
		panic(err)
	}
	train := all.Slice(0, all.Len()-vae.MNISTHeldout)
	held, _ := vae.Binarize(all.Slice(all.Len()-vae.MNISTHeldout, all.Len()), vae.Threshold)
	cfg := vae.TrainConfig{
		Arch: vae.Arch{RecordSize: 784, Likelihood: vae.Bernoulli, Components: 1,
			EncHidden: []int{256, 128}, Latent: 40, DecHidden: []int{128, 256}},
		Epochs:       100,
		Seed:         1,
		Binarization: vae.Mixed,
		Heldout:      []vae.EvalSet{{Name: "threshold", Data: held}},
	}
	f, err := vae.Train(cfg, train, func(p vae.Progress) {
		if p.EpochDone {
			fmt.Printf("epoch %d: train %.4f, held out %.4f bits/dim\n", p.Epoch, p.TrainBPD, p.Heldout[0])
		}
	})
	if err != nil {
		panic(err)
	}
	cal, _ := vae.Binarize(train.Slice(0, 5000), vae.Sampled)
	m, err := vae.Quantize(f, vae.QuantizeConfig{Calibration: cal, Description: "my model"})
	if err != nil {
		panic(err)
	}
	cost, _ := m.NegELBO(held, 1)
	fmt.Println(cost, len(m.File()))
}
