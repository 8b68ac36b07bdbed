package vae

import (
	_ "embed"
	"fmt"
	"sync"

	"github.com/bbans/bbans/vae/dataset"
)

// The built-in models, embedded so that nothing is downloaded. README.md
// gives the commands that reproduce them.
var (
	//go:embed models/mnist-bin.bbm
	mnistBinFile []byte
	//go:embed models/mnist.bbm
	mnistFile []byte
	//go:embed models/mnist-bin-ar.bbm
	mnistBinARFile []byte
	//go:embed models/mnist-ar.bbm
	mnistARFile []byte
	//go:embed models/mnist-cm.bbm
	mnistCMFile []byte
	//go:embed models/mnist-bin-cm.bbm
	mnistBinCMFile []byte
	//go:embed models/mnist-bin-cm2.bbm
	mnistBinCM2File []byte
	//go:embed models/mnist-cmix.bbm
	mnistCMixFile []byte
)

// BuiltinInfo describes a built-in model.
type BuiltinInfo struct {
	Name string
	// Binarization the model is for: Threshold or Sampled data of a
	// binarized model, None for 8-bit records.
	Binarizations []dataset.Binarization
	file          []byte
}

var builtinInfo = []BuiltinInfo{
	// mnist-bin was trained on a mix of threshold and freshly sampled
	// binarizations, so that it serves both.
	{Name: "mnist-bin", Binarizations: []dataset.Binarization{dataset.Threshold, dataset.Sampled}, file: mnistBinFile},
	{Name: "mnist", Binarizations: []dataset.Binarization{dataset.None}, file: mnistFile},
	// mnist-bin-ar is mnist-bin's VAE with the autoregressive Bernoulli
	// likelihood (causal context of ten neighbours), trained jointly on
	// the same mix of binarizations.
	{Name: "mnist-bin-ar", Binarizations: []dataset.Binarization{dataset.Threshold, dataset.Sampled}, file: mnistBinARFile},
	// mnist-ar is mnist's VAE with the autoregressive logistic likelihood.
	{Name: "mnist-ar", Binarizations: []dataset.Binarization{dataset.None}, file: mnistARFile},
	// mnist-cm is the context-mixing likelihood over mnist-bin-ar's nets
	// (its encoder sees the image thresholded at 128), its tables counted
	// on the 60,000 MNIST training images.
	{Name: "mnist-cm", Binarizations: []dataset.Binarization{dataset.None}, file: mnistCMFile},
	// mnist-bin-cm is mnist-bin-ar's nets and table mixed with adaptive
	// counters over 16 and 20 causal neighbours (bernoulli-cm), primed on
	// the 60,000 training images binarized both ways.
	{Name: "mnist-bin-cm", Binarizations: []dataset.Binarization{dataset.Threshold, dataset.Sampled}, file: mnistBinCMFile},
	// mnist-bin-cm2 is mnist-bin-cm's likelihood with its weights fitted
	// better (four epochs, each step rounded instead of floored).
	{Name: "mnist-bin-cm2", Binarizations: []dataset.Binarization{dataset.Threshold, dataset.Sampled}, file: mnistBinCM2File},
	// mnist-cmix is adaptive context mixing with no nets (CMix, engine
	// version 2), primed on the 60,000 training images: the model of
	// 8-bit records at the highest compression levels.
	{Name: "mnist-cmix", Binarizations: []dataset.Binarization{dataset.None}, file: mnistCMixFile},
}

var builtinCache sync.Map // name -> *Model

// BuiltinNames returns the names of the built-in models.
func BuiltinNames() []string {
	var n []string
	for _, b := range builtinInfo {
		n = append(n, b.Name)
	}
	return n
}

// File returns the model file of a built-in model (not to be modified):
// its hash is the file's last 32 bytes (SPEC.md section 3.1), so callers
// can know a built-in model without parsing it (Builtin does).
func (b BuiltinInfo) File() []byte { return b.file }

// Builtins describes the built-in models.
func Builtins() []BuiltinInfo { return append([]BuiltinInfo(nil), builtinInfo...) }

// Builtin returns the built-in model of the given name ("mnist-bin" or
// "mnist"), parsed once and shared.
func Builtin(name string) (*Model, error) {
	if m, ok := builtinCache.Load(name); ok {
		return m.(*Model), nil
	}
	for _, b := range builtinInfo {
		if b.Name == name {
			m, err := ParseModel(b.file)
			if err != nil {
				return nil, fmt.Errorf("built-in model %s: %w", name, err)
			}
			m.name = name
			got, _ := builtinCache.LoadOrStore(name, m)
			return got.(*Model), nil
		}
	}
	return nil, fmt.Errorf("vae: no built-in model %q", name)
}

// BuiltinByHash returns the built-in model whose hash is h, if any.
func BuiltinByHash(h [32]byte) (*Model, bool) {
	for _, b := range builtinInfo {
		m, err := Builtin(b.Name)
		if err == nil && m.Hash() == h {
			return m, true
		}
	}
	return nil, false
}
