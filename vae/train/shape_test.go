package train

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

// idx4 returns a 4-D IDX file of n records of h x w pixels of c channels.
func idx4(n, h, w, c int, data []byte) []byte {
	b := []byte{0, 0, 8, 4}
	for _, v := range []int{n, h, w, c} {
		b = binary.BigEndian.AppendUint32(b, uint32(v))
	}
	return append(b, data...)
}

// TestShapes checks that a 32x32x3 IDX file and a raw file read with the
// shape 32x32x3 give the same shape, that a model trained on them keeps it
// in its file (version 2) and codes with it (the causal contexts are those
// of rows of 96 bytes, not of one row of 3072), that a model without a
// shape reads as before (one row), and that a mismatch is an error.
func TestShapes(t *testing.T) {
	const n = 12
	g := dataset.SplitMix64{State: 5}
	data := make([]byte, n*3072)
	for i := range data {
		// Rows of 96 bytes that repeat: a row-aware context predicts them.
		if i%3072 < 96 {
			data[i] = byte(g.Next() >> 63)
		} else {
			data[i] = data[i-96]
		}
	}
	fromIDX, err := dataset.ReadIDX(bytes.NewReader(idx4(n, 32, 32, 3, data)))
	if err != nil {
		t.Fatal(err)
	}
	s, err := dataset.ParseShape("32x32x3")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := dataset.ReadRaw(bytes.NewReader(data), s.Size())
	if err != nil {
		t.Fatal(err)
	}
	raw.Shape = s
	if fromIDX.Shape != s || fromIDX.RecordSize != 3072 {
		t.Fatalf("IDX shape %v of %d bytes, --shape gives %v", fromIDX.Shape, fromIDX.RecordSize, s)
	}
	row := &dataset.Dataset{RecordSize: 3072, Data: data} // no shape given
	build := func(d *dataset.Dataset) *vae.Model {
		t.Helper()
		a := vae.Arch{RecordSize: 3072, Shape: d.Shape, Likelihood: vae.BernoulliAR, Components: 1, Latent: 2}
		f, err := Train(TrainConfig{Arch: a, Epochs: 40, BatchSize: 4, Seed: 1, LR: 0.05}, d, nil)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Quantize(f, QuantizeConfig{Calibration: d})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := build(fromIDX)
	if v := binary.LittleEndian.Uint16(m.File()[8:]); v != 2 || m.Arch.Shape != s {
		t.Fatalf("model file version %d, shape %v", v, m.Arch.Shape)
	}
	back, err := vae.ParseModel(m.File())
	if err != nil || back.Arch.Shape != s {
		t.Fatalf("read back: %v, shape %v", err, back.Arch.Shape)
	}
	// A model without a shape: version 1, one row of 3072 bytes; the same
	// data cost more (its contexts do not see the row above).
	flat := build(row)
	if v := binary.LittleEndian.Uint16(flat.File()[8:]); v != 1 || flat.Arch.Shape != (dataset.Shape{W: 3072, H: 1, C: 1}) {
		t.Fatalf("shapeless model: version %d, shape %v", v, flat.Arch.Shape)
	}
	cs, err := m.NegELBO(raw, 1)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := flat.NegELBO(row, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("32x32x3: %v; one row: %v", cs, cf)
	if !(cs.BitsPerByte() < cf.BitsPerByte()/2) {
		t.Errorf("32x32x3: %v; one row: %v", cs, cf)
	}
	// Mismatches are errors.
	if _, err := flat.NegELBO(raw, 1); err == nil {
		t.Errorf("NegELBO of 32x32x3 records with a one-row model")
	}
	a := m.Arch
	a.Shape = dataset.Shape{W: 32, H: 32, C: 1}
	if err := a.Validate(); err == nil {
		t.Errorf("a 32x32 shape for 3072-byte records is valid")
	}
	// A version-2 file holding the version-1 shape is refused (one file per
	// model), as is a shape of the wrong size.
	body := m.File()[:len(m.File())-sha256.Size]
	for _, c := range []struct {
		name    string
		w, h, c int
	}{{"legacy shape", 3072, 1, 1}, {"wrong size", 31, 32, 3}} {
		b := bytes.Clone(body) // the shape is at bytes 24..35
		binary.LittleEndian.PutUint32(b[24:], uint32(c.w))
		binary.LittleEndian.PutUint32(b[28:], uint32(c.h))
		binary.LittleEndian.PutUint32(b[32:], uint32(c.c))
		sum := sha256.Sum256(b)
		if _, err := vae.ParseModel(append(b, sum[:]...)); !errors.Is(err, vae.ErrModelFile) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}
