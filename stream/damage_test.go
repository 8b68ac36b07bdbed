package stream

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/bbans/bbans/format"
	"github.com/bbans/bbans/vae/dataset"
)

// smallArchive is an archive with every kind of frame: a raw IDX header,
// chunks, a stored chunk, an escape and a tail; at the default level the
// chunks of two records go to Brotli frames (the model's per-chunk cost
// does not pay on two records), at level 3 to Zstd frames.
func smallArchive(t testing.TB, opts ...WOption) (archive, content []byte) {
	h := []byte{0, 0, 8, 3, 0, 0, 0, 4, 0, 0, 0, 28, 0, 0, 0, 28}
	content = append(h, mnistSlice(t, 0, 4, dataset.Threshold)...)
	content[16+2*784+300] = 9
	content = append(content, randomBytes(784, 5)...)
	content = append(content, 1, 0)
	a, err := EncodeAll(content, nil, append([]WOption{WithChunkRecords(2), WithLanes(2)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return a, content
}

// TestDamageBitFlips flips every bit of a small archive: each must give an
// error, or, at worst, the original content, never wrong output reported
// as success.
func TestDamageBitFlips(t *testing.T) {
	for _, level := range []int{DefaultLevel, 3} {
		t.Run(fmt.Sprint("level ", level), func(t *testing.T) {
			archive, content := smallArchive(t, WithEncoderLevel(level))
			damageBitFlips(t, archive, content)
		})
	}
}

func damageBitFlips(t *testing.T, archive, content []byte) {
	classes := map[string]int{}
	for i := range archive {
		for bit := range 8 {
			bad := bytes.Clone(archive)
			bad[i] ^= 1 << bit
			got, err := DecodeAll(bad, nil, WithDecoderMaxMemory(8<<20))
			if err == nil {
				if !bytes.Equal(got, content) {
					t.Fatalf("flip of bit %d of byte %d: wrong output without an error", bit, i)
				}
				classes["no effect"]++
				continue
			}
			classes[errClass(err)]++
		}
	}
	t.Logf("%d bytes, %d flips: %v", len(archive), 8*len(archive), classes)
	if classes["no effect"] > 0 {
		t.Errorf("%d flips went unnoticed", classes["no effect"])
	}
}

// TestDamageTruncation cuts a small archive at every offset: each must be
// io.ErrUnexpectedEOF (or, for a cut inside the first header, ErrHeader /
// an empty-input error), with the offset.
func TestDamageTruncation(t *testing.T) {
	archive, _ := smallArchive(t)
	for n := range len(archive) {
		_, err := DecodeAll(archive[:n], nil)
		if err == nil {
			t.Fatalf("archive cut to %d of %d bytes decoded without error", n, len(archive))
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) && !(n == 0 && errors.Is(err, format.ErrHeader)) {
			t.Fatalf("cut at %d: %v, want io.ErrUnexpectedEOF", n, err)
		}
		var ce *format.CorruptInputError
		if n > 0 && (!errors.As(err, &ce) || ce.Offset > int64(n)) {
			t.Fatalf("cut at %d: %v does not give an offset within the input", n, err)
		}
	}
	t.Logf("%d truncations, all io.ErrUnexpectedEOF with offsets", len(archive))
}

func errClass(err error) string {
	for _, c := range []error{format.ErrChecksum, format.ErrHeader, format.ErrFrame, format.ErrFrameType, format.ErrVersion, format.ErrLimit, io.ErrUnexpectedEOF} {
		if errors.Is(err, c) {
			return c.Error()
		}
	}
	var mu *format.ModelUnavailableError
	if errors.As(err, &mu) {
		return "model unavailable"
	}
	return "other: " + err.Error()
}

// TestReaderMemoryLimit checks that a header claiming chunks larger than
// the reader's memory bound is refused before anything is decoded.
func TestReaderMemoryLimit(t *testing.T) {
	data := mnistSlice(t, 0, 100, dataset.Threshold)
	a, err := EncodeAll(data, nil, WithChunkRecords(100_000))
	if err != nil {
		t.Fatal(err)
	}
	_, err = DecodeAll(a, nil, WithDecoderMaxMemory(4<<20), WithDecoderConcurrency(2))
	if !errors.Is(err, format.ErrLimit) {
		t.Fatalf("chunk of 100,000 x 784 bytes under a 4 MiB bound: %v, want ErrLimit", err)
	}
	if _, err := DecodeAll(a, nil); err != nil {
		t.Fatalf("default bound: %v", err)
	}
}
