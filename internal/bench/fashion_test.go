package bench

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"

	"github.com/bbans/bbans/vae/dataset"
)

// TestLoadFashionMNIST loads the set from a directory that stands in for the
// Debian package: the 8-bit records with their 28x28 shape, so that JPEG XL
// runs on them tiled.
func TestLoadFashionMNIST(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("BBANS_FASHION_MNIST", dir)
	idx := []byte{0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 28, 0, 0, 0, 28}
	for i := range 5 * 784 {
		idx = append(idx, byte(i*7))
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(idx)
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, dataset.FashionMNISTTestImages), gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	sets, err := LoadFashionMNIST(nil, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 1 {
		t.Fatalf("%d sets, want the 8-bit one", len(sets))
	}
	s := sets[0]
	if s.Name != "fashion-mnist 8bit" || s.Binarized || s.Height != 28 || s.Width != 28 || s.Records() != 3 || !bytes.Equal(s.Data, idx[16:16+3*784]) {
		t.Errorf("got set %q: %d records %dx%d, binarized %v", s.Name, s.Records(), s.Height, s.Width, s.Binarized)
	}
	pix, w, h := tile(s)
	if w != 2*28 || h != 2*28 || !bytes.Equal(pix[28:56], s.Data[784:784+28]) {
		t.Errorf("tiled into %dx%d with record 1 not at the top right", w, h)
	}
	if sets, err := LoadFashionMNIST([]string{"threshold"}, 0); err != nil || !sets[0].Binarized || sets[0].Records() != 5 {
		t.Errorf("threshold set of all 5: %v", err)
	}
}
