package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017; Zalando SE, MIT licence):
// 70,000 28x28 grey images of clothing in MNIST's IDX format, from the
// Debian package dataset-fashion-mnist, which installs the original
// gzip-compressed files under FashionMNISTDir.
const (
	// FashionMNISTPackage is the Debian package that holds the files.
	FashionMNISTPackage = "dataset-fashion-mnist"
	// FashionMNISTDir is where the package installs them.
	FashionMNISTDir = "/usr/share/datasets/fashion-mnist"
	// FashionMNISTTrainImages and FashionMNISTTestImages are the image
	// files (60,000 and 10,000 images), named as MNIST's.
	FashionMNISTTrainImages = "train-images-idx3-ubyte.gz"
	FashionMNISTTestImages  = "t10k-images-idx3-ubyte.gz"
)

// ErrFashionMNISTMissing reports that the Fashion-MNIST files are not
// installed; its message names the package that provides them.
var ErrFashionMNISTMissing = errors.New("dataset: Fashion-MNIST is not installed: install the Debian package " +
	FashionMNISTPackage + " (apt-get install " + FashionMNISTPackage + "), or set BBANS_FASHION_MNIST to a directory holding its IDX files")

// FashionMNISTPath returns the path of a split's image file: "train" or
// "test". The environment variable BBANS_FASHION_MNIST, when set, replaces
// FashionMNISTDir.
func FashionMNISTPath(split string) (string, error) {
	var name string
	switch split {
	case "train":
		name = FashionMNISTTrainImages
	case "test":
		name = FashionMNISTTestImages
	default:
		return "", fmt.Errorf("dataset: Fashion-MNIST split %q, want train or test", split)
	}
	dir := FashionMNISTDir
	if d := os.Getenv("BBANS_FASHION_MNIST"); d != "" {
		dir = d
	}
	return filepath.Join(dir, name), nil
}

// LoadFashionMNIST reads the 8-bit Fashion-MNIST images of a split, "train"
// (60,000) or "test" (10,000), as 784-byte records. A missing file is
// ErrFashionMNISTMissing.
func LoadFashionMNIST(split string) (*Dataset, error) {
	path, err := FashionMNISTPath(split)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (no %s)", ErrFashionMNISTMissing, path)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := ReadIDX(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if d.RecordSize != 28*28 {
		return nil, fmt.Errorf("%s: %w: records of %d bytes, want 784 (28x28)", path, ErrDataset, d.RecordSize)
	}
	return d, nil
}
