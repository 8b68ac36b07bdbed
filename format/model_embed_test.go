package format

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// modelFile is a stand-in for a model file: compressible, as trained
// weights are.
func modelFile(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i%7) * byte(i/500%5)
	}
	return b
}

// compressedHeader is testHeader with a compressed embedded model of n bytes.
func compressedHeader(n int) *Header {
	h := testHeader(false)
	h.Model, h.CompressModel = modelFile(n), true
	return h
}

// TestCompressedModelSizes round-trips models around zstd's smallest
// window (1 KiB) and its block size (128 KiB).
func TestCompressedModelSizes(t *testing.T) {
	for _, n := range []int{1, 9, 1023, 1024, 1025, 5000, 128<<10 - 1, 128<<10 + 1} {
		h := compressedHeader(n)
		b, err := AppendHeader(nil, h)
		if err != nil {
			t.Fatal(err)
		}
		got, err := NewReader(bytes.NewReader(b), Limits{MaxModel: max(n, 2)}).ReadHeader()
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if !bytes.Equal(got.Model, h.Model) {
			t.Errorf("%d bytes: the model read back differs", n)
		}
		// modelFile's first 500 bytes are zeros, a 14-byte frame: it pays
		// from 15 bytes on.
		if got.CompressModel != (n > 14) {
			t.Errorf("%d bytes: stored compressed %v", n, got.CompressModel)
		}
		// One byte less of limit than the model: refused.
		if _, err := NewReader(bytes.NewReader(b), Limits{MaxModel: n - 1}).ReadHeader(); n > 1 && !errors.Is(err, ErrLimit) {
			t.Errorf("%d bytes, limit %d: %v, want ErrLimit", n, n-1, err)
		}
	}
}

// TestIncompressibleModel: a model that zstd does not shrink goes in
// verbatim, flag bit 2 clear, so that it costs no more than before.
func TestIncompressibleModel(t *testing.T) {
	h := testHeader(false)
	h.Model = make([]byte, 5000)
	x := uint64(1)
	for i := range h.Model {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		h.Model[i] = byte(x)
	}
	h.CompressModel = true
	b, err := AppendHeader(nil, h)
	if err != nil {
		t.Fatal(err)
	}
	plain := *h
	plain.CompressModel = false
	p, _ := AppendHeader(nil, &plain)
	if !bytes.Equal(b, p) {
		t.Errorf("an incompressible model: %d-byte header, %d verbatim", len(b), len(p))
	}
}

func TestCompressedModelRoundTrip(t *testing.T) {
	h := compressedHeader(20000)
	fs, want := testFrames(h, 5)
	a := buildArchive(t, h, fs)
	again := buildArchive(t, compressedHeader(20000), fs)
	if !bytes.Equal(a, again) {
		t.Error("the same header compresses to different bytes")
	}
	plain := testHeader(false)
	plain.Model = h.Model
	if p := buildArchive(t, plain, fs); len(a) >= len(p)-10000 {
		t.Errorf("compressed archive %d bytes, with the model verbatim %d", len(a), len(p))
	}

	r := NewReader(bytes.NewReader(a), Limits{})
	got, err := r.ReadHeader()
	if err != nil {
		t.Fatal(err)
	}
	if !got.CompressModel || !bytes.Equal(got.Model, h.Model) || got.ModelStored < 1 || got.ModelStored >= len(h.Model)/2 {
		t.Errorf("read back: compressed %v, %d bytes (stored %d), want %d", got.CompressModel, len(got.Model), got.ModelStored, len(h.Model))
	}
	if out, err := decodeAll(a, Limits{}); err != nil || !bytes.Equal(out, want) {
		t.Errorf("content: %v", err)
	}
	if _, err := AppendHeader(nil, &Header{ModelName: "x", RecordSize: 1, ChunkRecords: 1, Lanes: 1, CompressModel: true}); err == nil {
		t.Error("a header compressing no model was written")
	}
}

// embedBody returns a header body with flags, testHeader's identity and
// layout, then the given model fields (model_size, model_len, model).
func embedBody(t *testing.T, flags byte, fields ...[]byte) []byte {
	t.Helper()
	body := headerBody(t, testHeader(false))
	body = append([]byte{flags}, body[1:]...)
	for _, f := range fields {
		body = append(body, f...)
	}
	return body
}

func uv(v uint64) []byte { return binary.AppendUvarint(nil, v) }

func TestCompressedModelRejected(t *testing.T) {
	model := modelFile(3000)
	frame, err := compressModel(model)
	if err != nil {
		t.Fatal(err)
	}
	// The same content in a frame that declares a window of 8 MiB, more
	// than the model's size, which a reader refuses to allocate.
	enc, err := zstd.NewWriter(nil, zstd.WithWindowSize(8<<20), zstd.WithSingleSegment(false))
	if err != nil {
		t.Fatal(err)
	}
	wide := enc.EncodeAll(model, nil)
	n := uint64(len(model))
	lim := Limits{MaxModel: 4096}
	cases := []struct {
		name  string
		body  []byte
		class error
	}{
		{"sound", embedBody(t, flagModel|flagZstd, uv(n), uv(uint64(len(frame))), frame), nil},
		{"declared size one short", embedBody(t, flagModel|flagZstd, uv(n-1), uv(uint64(len(frame))), frame), ErrHeader},
		{"declared size one long", embedBody(t, flagModel|flagZstd, uv(n+1), uv(uint64(len(frame))), frame), ErrHeader},
		{"declared size 0", embedBody(t, flagModel|flagZstd, uv(0), uv(uint64(len(frame))), frame), ErrHeader},
		{"declared size above the limit", embedBody(t, flagModel|flagZstd, uv(1<<40), uv(uint64(len(frame))), frame), ErrLimit},
		{"window above the declared size", embedBody(t, flagModel|flagZstd, uv(n), uv(uint64(len(wide))), wide), ErrHeader},
		{"not a zstd frame", embedBody(t, flagModel|flagZstd, uv(n), uv(uint64(len(model[:100]))), model[:100]), ErrHeader},
		{"truncated frame", embedBody(t, flagModel|flagZstd, uv(n), uv(uint64(len(frame)-3)), frame[:len(frame)-3]), ErrHeader},
		{"compressed flag without a model", embedBody(t, flagZstd), ErrHeader},
		{"body ends in the size", embedBody(t, flagModel|flagZstd, []byte{0x80}), ErrHeader},
		{"uncompressed", embedBody(t, flagModel, uv(uint64(len(frame))), frame), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := rawHeader(1, 0, c.body)
			var err error
			alloc := allocBytes(func() { _, err = NewReader(bytes.NewReader(data), lim).ReadHeader() })
			t.Logf("%v (%d bytes allocated)", err, alloc)
			if c.class == nil {
				if err != nil {
					t.Fatalf("sound header rejected: %v", err)
				}
				return
			}
			var ce *CorruptInputError
			if !errors.Is(err, c.class) || !errors.As(err, &ce) {
				t.Fatalf("got %v, want %v with an offset", err, c.class)
			}
			if alloc > 1<<20 {
				t.Errorf("rejecting it allocated %d bytes", alloc)
			}
		})
	}
}

// TestCompressedModelBomb: a small frame that decompresses to far more than
// the header declares is cut off at the declared size, and the reader
// allocates about that size, not the frame's content.
func TestCompressedModelBomb(t *testing.T) {
	bomb, err := compressModel(make([]byte, 32<<20)) // a few KiB
	if err != nil {
		t.Fatal(err)
	}
	body := embedBody(t, flagModel|flagZstd, uv(1000), uv(uint64(len(bomb))), bomb)
	data := rawHeader(1, 0, body)
	alloc := allocBytes(func() { _, err = NewReader(bytes.NewReader(data), Limits{}).ReadHeader() })
	if !errors.Is(err, ErrHeader) {
		t.Fatalf("got %v, want ErrHeader", err)
	}
	if alloc > 4<<20 {
		t.Errorf("a %d-byte bomb cost %d bytes", len(bomb), alloc)
	}
	if _, err := decodeAll(data[:len(data)-1], Limits{}); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated: %v", err)
	}
}
