package main

import (
	"bytes"
	"encoding/binary"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

// shapeIDX returns an IDX file of n records of the given dimensions.
func shapeIDX(n int, dims []int, data []byte) []byte {
	b := []byte{0, 0, 8, byte(1 + len(dims))}
	for _, v := range append([]int{n}, dims...) {
		b = binary.BigEndian.AppendUint32(b, uint32(v))
	}
	return append(b, data...)
}

// TestShapeTrain: a 32x32x3 IDX file and a raw file with --shape 32x32x3
// give models of that shape (version 2 files, the same nets); --shape
// overrides an IDX header's shape of the same size; a --shape of another
// size, or data of another shape for eval, is a clear error.
func TestShapeTrain(t *testing.T) {
	dir := t.TempDir()
	const n = 12
	data := randomBytes(n*3072, 4)
	for i := range data {
		data[i] &= 1
	}
	put(t, filepath.Join(dir, "c.idx"), shapeIDX(n, []int{32, 32, 3}, data))
	put(t, filepath.Join(dir, "c.raw"), data)
	args := []string{"--lik", "bernoulli", "--enc", "", "--dec", "", "--latent", "2", "--epochs", "1", "--heldout", "2", "--desc", "shape test"}
	must(t, dir, nil, append([]string{"train", "--data", "c.idx", "-o", "a.bbm"}, args...)...)
	must(t, dir, nil, append([]string{"train", "--data", "c.raw", "--shape", "32x32x3", "-o", "b.bbm"}, args...)...)
	a, b := get(t, filepath.Join(dir, "a.bbm")), get(t, filepath.Join(dir, "b.bbm"))
	if !bytes.Equal(a, b) {
		t.Errorf("the IDX file and the raw file with --shape train different models")
	}
	m, err := vae.ParseModel(a)
	if err != nil {
		t.Fatal(err)
	}
	if m.Arch.Shape != (dataset.Shape{W: 32, H: 32, C: 3}) || binary.LittleEndian.Uint16(a[8:]) != 2 {
		t.Errorf("model shape %v, file version %d", m.Arch.Shape, binary.LittleEndian.Uint16(a[8:]))
	}
	must(t, dir, nil, append([]string{"train", "--data", "c.idx", "--shape", "96x32", "-o", "w.bbm"}, args...)...)
	if w, err := vae.ParseModel(get(t, filepath.Join(dir, "w.bbm"))); err != nil || w.Arch.Shape != (dataset.Shape{W: 96, H: 32, C: 1}) {
		t.Errorf("--shape 96x32 over a 32x32x3 IDX file: %v", err)
	}
	r := bbans(t, dir, nil, append([]string{"train", "--data", "c.idx", "--shape", "32x32", "-o", "x.bbm"}, args...)...)
	if r.code != exitUsage || !strings.Contains(string(r.stderr), "records of 3072 bytes, --shape 32x32 has 1024") {
		t.Errorf("--shape of another size: %v", r)
	}
	put(t, filepath.Join(dir, "flat.idx"), shapeIDX(n, []int{32, 96}, data))
	r = bbans(t, dir, nil, "eval", "-m", "a.bbm", "--data", "flat.idx")
	if r.code == 0 || !strings.Contains(string(r.stderr), "records of shape 96x32 for a model of shape 32x32x3") {
		t.Errorf("eval of 96x32 records with a 32x32x3 model: %v", r)
	}
}

// TestShapeCompress: compress warns and does not code with the model
// (never reads as MNIST images) records whose shape is not the model's,
// and round-trips them; records of the model's shape are coded.
func TestShapeCompress(t *testing.T) {
	_, th := mnistIDX(t)
	dir := t.TempDir()
	data := records(th)
	n := len(data) / 784
	put(t, filepath.Join(dir, "ok.idx"), shapeIDX(n, []int{28, 28}, data))
	put(t, filepath.Join(dir, "wide.idx"), shapeIDX(n, []int{14, 56}, data))
	put(t, filepath.Join(dir, "c.raw"), data[:n/4*3072])
	for _, c := range []struct {
		args []string
		warn string // "" for none
	}{
		{[]string{"-m", "mnist-bin", "ok.idx"}, ""},
		{[]string{"ok.idx"}, ""},
		{[]string{"-m", "mnist-bin", "wide.idx"}, "records of shape 56x14, model mnist-bin is for 28x28: not coding them with it"},
		{[]string{"wide.idx"}, "records of shape 56x14, and no model is for that shape"},
		{[]string{"--shape", "32x32x3", "c.raw"}, "records of shape 32x32x3, and no model is for that shape"},
		{[]string{"--shape", "28x28", "c.raw"}, ""},
	} {
		in := c.args[len(c.args)-1]
		r := must(t, dir, nil, append([]string{"compress", "-f", "-k"}, c.args...)...)
		if got := string(r.stderr); c.warn == "" && strings.Contains(got, "warning") || !strings.Contains(got, c.warn) {
			t.Errorf("compress %v: stderr %q, want %q", c.args, got, c.warn)
		}
		// Model-coded records are in chunk frames; the others are not.
		info := string(must(t, dir, nil, "info", in+".bbans").stdout)
		if coded := strings.Contains(info, " chunk ("); coded != (c.warn == "") {
			t.Errorf("compress %v: %s", c.args, info)
		}
		back := must(t, dir, nil, "decompress", "-c", in+".bbans")
		if !bytes.Equal(back.stdout, get(t, filepath.Join(dir, in))) {
			t.Errorf("compress %v: round trip changed the data", c.args)
		}
	}
}
