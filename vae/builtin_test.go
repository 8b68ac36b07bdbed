package vae

import (
	"testing"

	"github.com/bbans/bbans/vae/dataset"
)

// TestBuiltinTargets evaluates the built-in models on the 10,000 MNIST
// test images with the integer model's exact coding probabilities and
// checks the targets of the vae issue (bits/dim of the negative ELBO,
// latent discretisation included).
func TestBuiltinTargets(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates 30,000 images")
	}
	test := mnistOrSkip(t, "test")
	for _, c := range []struct {
		model string
		bin   dataset.Binarization
		max   float64
	}{
		{"mnist-bin", dataset.Threshold, 0.15},
		{"mnist-bin", dataset.Sampled, 0.19},
		{"mnist", dataset.None, 1.36},
		// The issue "beat JPEG XL" targets of the default models.
		{"mnist-bin-ar", dataset.Threshold, 0.14},
		{"mnist-bin-ar", dataset.Sampled, 0.18},
		{"mnist-cm", dataset.None, 1.08},
		// The binarized floors (0.128 and 0.165 for the archive).
		{"mnist-bin-cm", dataset.Threshold, 0.126},
		{"mnist-bin-cm", dataset.Sampled, 0.166},
		{"mnist-bin-cm2", dataset.Threshold, 0.125},
		{"mnist-bin-cm2", dataset.Sampled, 0.165},
	} {
		m, err := Builtin(c.model)
		if err != nil {
			t.Fatal(err)
		}
		d, err := dataset.Binarize(test, c.bin)
		if err != nil {
			t.Fatal(err)
		}
		cost, err := m.NegELBO(d, 1)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s on %v: %v", c.model, c.bin, cost)
		if got := cost.BitsPerByte(); got > c.max {
			t.Errorf("%s on %v: %.4f bits/dim, target %.2f", c.model, c.bin, got, c.max)
		}
	}
	if _, err := Builtin("nope"); err == nil {
		t.Errorf("unknown built-in model found")
	}
	m, _ := Builtin("mnist")
	if got, ok := BuiltinByHash(m.Hash()); !ok || got != m {
		t.Errorf("BuiltinByHash does not find mnist")
	}
}
