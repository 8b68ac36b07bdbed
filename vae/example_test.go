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
