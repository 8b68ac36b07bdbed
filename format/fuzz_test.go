package format

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// fuzzLimits are small, so that the allocation bound below is tight.
var fuzzLimits = Limits{MaxModel: 1 << 16, MaxHeader: 1 << 17, MaxPayload: 1 << 18, MaxDecoded: 1 << 18}

// FuzzReader feeds arbitrary bytes to the Reader, decoding as the stream
// layer will (decodeAll). It checks that there is no panic, that every
// error is typed, and that memory stays within the limits plus a small
// multiple of the input, whatever sizes the input claims.
func FuzzReader(f *testing.F) {
	a, _ := smallArchive(f)
	b := buildArchive(f, testHeader(false), nil)
	h := testHeader(false)
	fs, _ := testFrames(h, 5)
	c := buildArchive(f, h, fs)
	f.Add(a)
	f.Add(b)
	f.Add(c)
	f.Add(append(bytes.Clone(a), c...))
	f.Add(append(bytes.Clone(b), "junk"...))
	f.Add([]byte(Magic))
	f.Add(buildArchive(f, compressedHeader(3000), fs)) // a zstd-compressed model (model_embed.go)
	f.Fuzz(func(t *testing.T, data []byte) {
		var out []byte
		var err error
		// bufio's 32 KiB, one fill step, and geometric growth of buffers
		// that the input actually fills.
		bound := uint64(256<<10 + 8*len(data))
		if n := fuzzAllocBytes(bound, func() { out, err = decodeAll(data, fuzzLimits) }); n > bound {
			t.Errorf("allocated %d bytes for %d bytes of input (bound %d)", n, len(data), bound)
		}
		if err == nil {
			if len(out) > len(data) {
				// Only chunk payloads can be shorter than their content,
				// and fakeCode keeps them the same length.
				t.Errorf("%d bytes of content from %d bytes of input", len(out), len(data))
			}
			return
		}
		if err == io.EOF {
			if len(data) != 0 {
				t.Errorf("io.EOF for %d bytes of input", len(data))
			}
			return
		}
		var ce *CorruptInputError
		if !errors.As(err, &ce) {
			t.Fatalf("untyped error %v", err)
		}
		if ce.Offset < 0 || ce.Offset > int64(len(data)) {
			t.Errorf("offset %d outside an input of %d bytes: %v", ce.Offset, len(data), err)
		}
		for _, class := range []error{ErrHeader, ErrVersion, ErrFrame, ErrFrameType, ErrChecksum, ErrLimit, io.ErrUnexpectedEOF} {
			if errors.Is(err, class) {
				return
			}
		}
		t.Errorf("error of no known class: %v", err)
	})
}
