package dataset

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadFashionMNIST(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("BBANS_FASHION_MNIST", dir)
	if _, err := LoadFashionMNIST("test"); !errors.Is(err, ErrFashionMNISTMissing) || !strings.Contains(err.Error(), FashionMNISTPackage) {
		t.Fatalf("missing files: got %v, want ErrFashionMNISTMissing naming %s", err, FashionMNISTPackage)
	}
	if _, err := LoadFashionMNIST("val"); err == nil || errors.Is(err, ErrFashionMNISTMissing) {
		t.Errorf("split val: got %v, want a bad-split error", err)
	}

	raw := idxFile(3, 28, 28)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, FashionMNISTTestImages), gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := LoadFashionMNIST("test")
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 3 || !bytes.Equal(d.Data, raw[16:]) {
		t.Errorf("got %d records, want the file's 3", d.Len())
	}

	if err := os.WriteFile(filepath.Join(dir, FashionMNISTTrainImages), idxFile(2, 4, 5), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFashionMNIST("train"); !errors.Is(err, ErrDataset) {
		t.Errorf("4x5 records: got %v, want ErrDataset", err)
	}
}
