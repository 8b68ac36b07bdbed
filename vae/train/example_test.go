package train_test

import (
	"bytes"
	"fmt"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
	"github.com/bbans/bbans/vae/train"
)

// Training a model, quantising it and writing its model file: what
// `bbans train` does, here on 400 tiny synthetic records (two noisy 4x4
// patterns, binarized) so that it runs in a moment; for MNIST, the data
// come from dataset.LoadMNIST and the architecture and epochs from README.md.
func ExampleTrain() {
	g := dataset.SplitMix64{State: 1}
	data := make([]byte, 400*16)
	for i := range data {
		pattern := i / 16 % 2 // record r shows pattern r mod 2
		bit := byte(i%16/4+pattern) & 1
		if g.Next()%10 == 0 { // 10% noise
			bit ^= 1
		}
		data[i] = bit
	}
	all := &dataset.Dataset{RecordSize: 16, Shape: dataset.Shape{W: 4, H: 4, C: 1}, Data: data}
	trainSet, held := all.Slice(0, 300), all.Slice(300, 400)
	cfg := train.TrainConfig{
		Arch: vae.Arch{RecordSize: 16, Shape: all.Shape, Likelihood: vae.Bernoulli, Components: 1,
			EncHidden: []int{16}, Latent: 2, DecHidden: []int{16}},
		Epochs:  20,
		LR:      0.01,
		Seed:    1,
		Heldout: []train.EvalSet{{Name: "held out", Data: held}},
	}
	f, err := train.Train(cfg, trainSet, nil)
	if err != nil {
		panic(err)
	}
	m, err := train.Quantize(f, train.QuantizeConfig{Calibration: trainSet, Description: "my model"})
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
