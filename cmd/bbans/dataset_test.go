package main

import (
	"bytes"
	"compress/gzip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bbans/bbans/vae/dataset"
)

// TestDatasetFashionMNIST writes Fashion-MNIST from a directory of IDX
// files that stands in for the Debian package, and names the package when
// the files are missing.
func TestDatasetFashionMNIST(t *testing.T) {
	src := t.TempDir()
	t.Setenv("BBANS_FASHION_MNIST", src)
	dir := t.TempDir()
	r := bbans(t, dir, nil, "dataset", "fashion-mnist", "-o", "f.idx")
	if r.code != exitFailure || !strings.Contains(string(r.stderr), dataset.FashionMNISTPackage) {
		t.Fatalf("without the files: %v, want exit 1 naming %s", r, dataset.FashionMNISTPackage)
	}

	idx := []byte{0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 28, 0, 0, 0, 28}
	for i := range 3 * 784 {
		idx = append(idx, byte(i*31))
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(idx)
	zw.Close()
	put(t, filepath.Join(src, dataset.FashionMNISTTrainImages), gz.Bytes())
	must(t, dir, nil, "dataset", "fashion-mnist", "--split", "train", "-o", "f.idx")
	if got := get(t, filepath.Join(dir, "f.idx")); !bytes.Equal(got, idx) {
		t.Errorf("fashion-mnist train: %d bytes, want the package's IDX file of %d", len(got), len(idx))
	}
	must(t, dir, nil, "dataset", "fashion-mnist", "--split", "train", "-n", "2", "--binarize", "threshold", "-o", "b.idx")
	got := get(t, filepath.Join(dir, "b.idx"))
	if len(got) != 16+2*784 || got[7] != 2 {
		t.Fatalf("-n 2: %d bytes, count byte %d", len(got), got[7])
	}
	for i, b := range got[16:] {
		want := byte(0)
		if idx[16+i] >= 128 {
			want = 1
		}
		if b != want {
			t.Fatalf("threshold byte %d: %d, want %d", i, b, want)
		}
	}
}
