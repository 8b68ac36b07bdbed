package format

import (
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// An embedded model is stored either verbatim or, with header flag bit 2,
// as one Zstandard frame (RFC 8878) after a declared decompressed size
// (SPEC.md section 4.2). The declared size is checked against
// Limits.MaxModel before anything is allocated, and decompression writes
// into a buffer of exactly that capacity, so a hostile frame can neither
// claim nor produce more.

// modelEncoder compresses models at zstd's strongest level that
// klauspost/compress offers, on one goroutine so that the output depends
// on the model alone. A single segment (no separate window) lets the
// reader bound the frame's window by the declared size.
var modelEncoder = sync.OnceValues(func() (*zstd.Encoder, error) {
	return zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zstd.SpeedBestCompression),
		zstd.WithEncoderConcurrency(1),
		zstd.WithSingleSegment(true))
})

// compressModel returns the Zstandard frame of model.
func compressModel(model []byte) ([]byte, error) {
	enc, err := modelEncoder()
	if err != nil {
		return nil, err
	}
	return enc.EncodeAll(model, nil), nil
}

// decompressModel decodes the Zstandard frame stored, which must give
// exactly size bytes; size has been checked against the reader's limit.
// The decoder is made per call with bounds for this size: its output may
// not exceed the capacity of a buffer of size bytes (WithDecodeAllCapLimit),
// nor its window size, or zstd's smallest window of 1 KiB for smaller
// models (zstd rounds a single segment's window up to it).
func decompressModel(stored []byte, size int) ([]byte, error) {
	bound := uint64(max(size, zstd.MinWindowSize))
	dec, err := zstd.NewReader(nil,
		zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxMemory(bound),
		zstd.WithDecoderMaxWindow(bound),
		zstd.WithDecodeAllCapLimit(true))
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	out, err := dec.DecodeAll(stored, make([]byte, 0, size))
	if err != nil {
		return nil, err
	}
	if len(out) != size {
		return nil, fmt.Errorf("%d bytes, the header declares %d", len(out), size)
	}
	return out, nil
}

// parseEmbedded reads the embedded model, if the flags say there is one:
// model_size (compressed models only), model_len and the model.
func parseEmbedded(c *cursor, h *Header, bodyOff int64, flags byte, lim *Limits) (*Header, error) {
	if flags&flagModel == 0 {
		// Bytes left in the body are fields of a later minor version: ignore.
		return h, nil
	}
	size := uint64(0)
	if flags&flagZstd != 0 {
		h.CompressModel = true
		at := c.i
		v, err := c.uvarint()
		if err != nil {
			return nil, corrupt(bodyOff+int64(at), ErrHeader, "embedded model size: %v", err)
		}
		if v < 1 {
			return nil, corrupt(bodyOff+int64(at), ErrHeader, "embedded model is empty")
		}
		if v > uint64(lim.MaxModel) {
			return nil, corrupt(bodyOff+int64(at), ErrLimit, "embedded model of %d bytes exceeds the limit of %d", v, lim.MaxModel)
		}
		size = v
	}
	at := c.i
	v, err := c.uvarint()
	if err != nil {
		return nil, corrupt(bodyOff+int64(at), ErrHeader, "embedded model length: %v", err)
	}
	if v < 1 {
		return nil, corrupt(bodyOff+int64(at), ErrHeader, "embedded model is empty")
	}
	// A verbatim model is what the limit bounds; a compressed one's frame
	// is already in memory, bounded by the header limit, and may be a
	// little longer than a tiny model.
	if !h.CompressModel && v > uint64(lim.MaxModel) {
		return nil, corrupt(bodyOff+int64(at), ErrLimit, "embedded model of %d bytes exceeds the limit of %d", v, lim.MaxModel)
	}
	at = c.i
	m, ok := c.bytes(int(v))
	if !ok {
		return nil, corrupt(bodyOff+int64(c.i), ErrHeader, "header body ends inside the embedded model")
	}
	if !h.CompressModel {
		// The body buffer is fresh for every header, so the model may
		// alias it; the three-index slice keeps appends off the rest.
		h.Model = m[:len(m):len(m)]
		return h, nil
	}
	h.ModelStored = len(m)
	if h.Model, err = decompressModel(m, int(size)); err != nil {
		return nil, corrupt(bodyOff+int64(at), ErrHeader, "embedded model: zstd: %v", err)
	}
	return h, nil
}
