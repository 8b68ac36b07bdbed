package bench

import "github.com/bbans/bbans/vae/dataset"

// FashionSetNames are the sets LoadFashionMNIST makes when given none: the
// 8-bit images only, since no built-in model is meant for binarized
// Fashion-MNIST.
var FashionSetNames = []string{"8bit"}

// LoadFashionMNIST returns the named sets (see SetNames; FashionSetNames
// if names is empty) made from the first n Fashion-MNIST test images (all
// 10,000 if n <= 0), from the Debian package dataset-fashion-mnist. They
// are 28x28 images, tiled for JPEG XL as the MNIST sets are, and labelled
// "fashion-mnist 8bit" and so on.
func LoadFashionMNIST(names []string, n int) ([]*Set, error) {
	test, err := dataset.LoadFashionMNIST("test")
	if err != nil {
		return nil, err
	}
	if n > 0 && n < test.Len() {
		test = test.Slice(0, n)
	}
	if len(names) == 0 {
		names = FashionSetNames
	}
	return makeSets(test, names, 28, 28, "fashion-mnist")
}
