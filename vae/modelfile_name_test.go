package vae_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bbans/bbans/format"
	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae"
)

// TestReadModelFile checks that a model read from a file has the file's
// name (cut to what an archive header holds), that the name reaches the
// archive header, and that WithName renames without changing the model.
func TestReadModelFile(t *testing.T) {
	if vae.MaxModelName != format.MaxNameLen {
		t.Fatalf("MaxModelName %d, archive headers hold %d", vae.MaxModelName, format.MaxNameLen)
	}
	b, err := vae.Builtin("mnist-bin")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	long := strings.Repeat("é", 40) // 80 bytes
	for file, want := range map[string]string{"digits.bbm": "digits", "model.v2": "model.v2", long + ".bbm": strings.Repeat("é", 32)} {
		path := filepath.Join(dir, file)
		if err := os.WriteFile(path, b.File(), 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := vae.ReadModelFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if m.Name() != want || m.Hash() != b.Hash() {
			t.Errorf("%s: name %q, want %q", file, m.Name(), want)
		}
		archive, err := stream.EncodeAll(make([]byte, 784), nil, stream.WithModel(stream.FromVAE(m)))
		if err != nil {
			t.Fatal(err)
		}
		h, err := format.NewReader(bytes.NewReader(archive), format.Limits{}).ReadHeader()
		if err != nil || h.ModelName != want {
			t.Errorf("%s: archive header %+v (%v)", file, h, err)
		}
	}
	if _, err := vae.ReadModelFile(filepath.Join(dir, "missing.bbm")); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
	if r := b.WithName("x"); r.Name() != "x" || b.Name() != "mnist-bin" || r.Hash() != b.Hash() {
		t.Errorf("WithName: %q, original now %q", r.Name(), b.Name())
	}
}
