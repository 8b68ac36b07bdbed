package stream

import (
	"bytes"
	"errors"
	"io"
	"os"
	"runtime"
	"testing"

	"github.com/bbans/bbans/format"
	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
	"github.com/bbans/bbans/vae/train"
)

// customModel quantises an untrained small model (a seed's random weights):
// a model no registry knows, so a reader can only use the embedded copy.
func customModel(t testing.TB, seed uint64) Model {
	t.Helper()
	a := vae.Arch{RecordSize: 784, Likelihood: vae.Bernoulli, Components: 1, EncHidden: []int{16}, Latent: 4, DecHidden: []int{16}}
	f, err := train.NewFloatModel(a, seed)
	if err != nil {
		t.Fatal(err)
	}
	cal := &dataset.Dataset{RecordSize: 784, Data: mnistSlice(t, 0, 20, dataset.Threshold)}
	m, err := train.Quantize(f, train.QuantizeConfig{Calibration: cal, Description: "stream embed test"})
	if err != nil {
		t.Fatal(err)
	}
	return FromVAE(m)
}

// readHeader returns the first archive header of a.
func readHeader(t *testing.T, a []byte) *format.Header {
	t.Helper()
	h, err := format.NewReader(bytes.NewReader(a), format.Limits{}).ReadHeader()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// The archives below are written without general frames, which would
// code these few records without the (untrained) model.
func TestEmbeddedModelCompressed(t *testing.T) {
	m := customModel(t, 1)
	data := mnistSlice(t, 20, 30, dataset.Threshold)
	a, err := EncodeAll(data, nil, WithModel(m), WithEmbeddedModel(true), WithGeneralCodec(false))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := EncodeAll(data, nil, WithModel(m), WithEmbeddedModel(true), WithEmbeddedModelRaw(true), WithGeneralCodec(false))
	if err != nil {
		t.Fatal(err)
	}
	h, hr := readHeader(t, a), readHeader(t, raw)
	if !h.CompressModel || hr.CompressModel || !bytes.Equal(h.Model, m.File()) || !bytes.Equal(hr.Model, m.File()) {
		t.Fatalf("compressed %v / raw %v, models equal the file: %v / %v", h.CompressModel, hr.CompressModel,
			bytes.Equal(h.Model, m.File()), bytes.Equal(hr.Model, m.File()))
	}
	if d := len(raw) - len(a); d != len(m.File())-h.ModelStored-uvarintLen(len(m.File())) {
		t.Errorf("compression saved %d bytes; the model file is %d, its frame %d", d, len(m.File()), h.ModelStored)
	}
	for name, arch := range map[string][]byte{"compressed": a, "raw": raw} {
		got, err := DecodeAll(arch, nil) // the model is neither built in nor given
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := DecodeAll(a, nil, WithEmbeddedModels(false)); !errors.As(err, new(*format.ModelUnavailableError)) {
		t.Errorf("embedded models refused: %v", err)
	}
}

// TestEmbeddedZstdGolden checks the golden archive's compressed model
// against the built-in file it was made from.
func TestEmbeddedZstdGolden(t *testing.T) {
	a := readGolden(t, "embedded-zstd")
	h := readHeader(t, a)
	m, err := vae.Builtin("mnist-bin")
	if err != nil {
		t.Fatal(err)
	}
	if !h.CompressModel || !bytes.Equal(h.Model, m.File()) || h.ModelStored >= len(m.File()) {
		t.Errorf("compressed %v, %d bytes stored for a %d-byte model", h.CompressModel, h.ModelStored, len(m.File()))
	}
}

func readGolden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(goldenPath(name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEmbeddedModelDamage: a damaged header is rejected before its model is
// used; a sound header whose compressed model is another model's fails the
// hash check; and a model larger than the memory bound allows is refused
// before it is decompressed.
func TestEmbeddedModelDamage(t *testing.T) {
	m, other := customModel(t, 1), customModel(t, 2)
	data := mnistSlice(t, 30, 34, dataset.Threshold)
	a, err := EncodeAll(data, nil, WithModel(m), WithEmbeddedModel(true), WithGeneralCodec(false))
	if err != nil {
		t.Fatal(err)
	}
	fr := format.NewReader(bytes.NewReader(a), format.Limits{})
	h, err := fr.ReadHeader()
	if err != nil {
		t.Fatal(err)
	}
	hdrLen := int(fr.Offset())

	// Every byte of the fixed fields, then about a thousand through the
	// compressed model: each must be caught (the header CRC covers them).
	step := max(1, hdrLen/1000)
	for i := 0; i < hdrLen; i++ {
		if i > 64 && i%step != 0 {
			continue
		}
		bad := bytes.Clone(a)
		bad[i] ^= 1 << (i % 8)
		if got, err := DecodeAll(bad, nil); err == nil && !bytes.Equal(got, data) {
			t.Fatalf("flip in header byte %d: wrong output without an error", i)
		} else if err == nil {
			t.Fatalf("flip in header byte %d went unnoticed", i)
		}
	}

	swapped := *h
	swapped.Model = other.File()
	b, err := format.AppendHeader(nil, &swapped)
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, a[hdrLen:]...)
	if _, err := DecodeAll(b, nil); !errors.Is(err, format.ErrHeader) {
		t.Errorf("another model under this hash: %v, want ErrHeader", err)
	}

	// mnist-bin's file (502,676 bytes) is above the model share of 1 MiB.
	golden := readGolden(t, "embedded-zstd")
	var mem [2]uint64
	mem[0] = allocated()
	_, err = DecodeAll(golden, nil, WithDecoderMaxMemory(1<<20), WithDecoderConcurrency(1))
	mem[1] = allocated()
	if !errors.Is(err, format.ErrLimit) {
		t.Errorf("model above the memory bound: %v, want ErrLimit", err)
	}
	if n := mem[1] - mem[0]; n > uint64(len(golden))+1<<20 {
		t.Errorf("refusing it allocated %d bytes", n)
	}
	if _, err := DecodeAll(golden[:hdrLen/2], nil); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("cut in the header: %v", err)
	}
}

// allocated returns the bytes allocated so far by the process.
func allocated() uint64 {
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	return s.TotalAlloc
}
