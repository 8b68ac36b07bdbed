package format

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Magic is the first four bytes of every archive: 0xBB then "ans".
// The high byte makes a 7-bit-clean transfer or a text-mode newline
// conversion visible at once, as PNG's 0x89 does.
const Magic = "\xBBans"

// Versions written by this package. A reader rejects an archive whose major
// version is newer than MajorVersion (ErrVersion) and accepts every minor
// version of its major: minor versions only add things an older reader may
// ignore (trailing header fields, skippable frame types, end-frame payload).
const (
	MajorVersion = 1
	MinorVersion = 0
)

// Hard bounds of the format, independent of Limits. A header outside them is
// invalid (ErrHeader) whoever reads it.
const (
	MaxNameLen      = 64      // bytes of model name
	MaxRecordSize   = 1 << 24 // bytes per record
	MaxChunkRecords = 1 << 24 // records per chunk
	MaxLanes        = 1024    // independent ANS chains per chunk, as in SPEC.md section 1
	// MaxChunkBytes bounds RecordSize*ChunkRecords, the largest decoded
	// content of any data frame, so that it fits an int on every platform.
	MaxChunkBytes = 1<<31 - 1
)

// Header flag bits. Unknown bits mark features this reader lacks, so a set
// unknown bit is ErrVersion, not something to ignore.
const (
	flagModel   = 1 << 0 // the model file is embedded in the header
	flagNoModel = 1 << 1 // no model: name and hash are absent, no chunk frames
	flagZstd    = 1 << 2 // the embedded model is stored zstd-compressed (model_embed.go)
	knownFlags  = flagModel | flagNoModel | flagZstd
)

// Header describes one archive: the model that coded it and how its content
// is cut into records and chunks.
type Header struct {
	// Minor is the minor version the archive was written with. Readers set
	// it; writers always write MinorVersion.
	Minor uint8
	// ModelName names the model, at most MaxNameLen bytes of UTF-8. It may be
	// empty for an archive that holds no BB-ANS chunks.
	ModelName string
	// ModelHash is the model's SHA-256 as defined in SPEC.md section 3.
	ModelHash [32]byte
	// RecordSize is the size of one record in bytes, 1..MaxRecordSize.
	RecordSize int
	// ChunkRecords is the largest number of records in one chunk,
	// 1..MaxChunkRecords.
	ChunkRecords int
	// Lanes is how many independent ANS chains a chunk is coded with,
	// 1..MaxLanes.
	Lanes int
	// Model is the embedded model file, or nil when the model is not
	// embedded. A reader that uses it must check its hash against ModelHash.
	// Readers return it decompressed, whatever its stored form.
	Model []byte
	// CompressModel asks for Model to be stored as a Zstandard frame
	// (SPEC.md section 4.2, flags bit 2) when that is shorter than the
	// file itself; a model that does not compress (one whose tables are
	// compressed already) is stored verbatim. Readers set it when the
	// model was stored compressed.
	CompressModel bool
	// ModelStored is, for a compressed model, the length of its Zstandard
	// frame in the header. Readers set it; writers ignore it.
	ModelStored int
	// NoModel marks an archive that names no model: ModelName is empty,
	// ModelHash zero, Model nil, and the archive holds no Chunk frames.
	// It saves the 33+ bytes of model identity in archives of content that
	// was stored verbatim (short or incompressible input).
	NoModel bool
}

// ChunkBytes is the largest decoded size of a data frame: RecordSize times
// ChunkRecords.
func (h *Header) ChunkBytes() int { return h.RecordSize * h.ChunkRecords }

// check reports the first field of h that breaks the format's rules.
func (h *Header) check() error {
	switch {
	case len(h.ModelName) > MaxNameLen:
		return fmt.Errorf("model name of %d bytes exceeds %d", len(h.ModelName), MaxNameLen)
	case !utf8.ValidString(h.ModelName):
		return errors.New("model name is not valid UTF-8")
	case h.RecordSize < 1 || h.RecordSize > MaxRecordSize:
		return fmt.Errorf("record size %d outside 1..%d", h.RecordSize, MaxRecordSize)
	case h.ChunkRecords < 1 || h.ChunkRecords > MaxChunkRecords:
		return fmt.Errorf("records per chunk %d outside 1..%d", h.ChunkRecords, MaxChunkRecords)
	case int64(h.RecordSize)*int64(h.ChunkRecords) > MaxChunkBytes:
		return fmt.Errorf("chunk of %d x %d bytes exceeds %d", h.ChunkRecords, h.RecordSize, MaxChunkBytes)
	case h.Lanes < 1 || h.Lanes > MaxLanes:
		return fmt.Errorf("lane count %d outside 1..%d", h.Lanes, MaxLanes)
	case h.Model != nil && len(h.Model) == 0:
		return errors.New("embedded model is empty")
	case h.CompressModel && h.Model == nil:
		return errors.New("a model to compress but none embedded")
	case h.NoModel && (h.ModelName != "" || h.ModelHash != [32]byte{} || h.Model != nil):
		return errors.New("an archive without a model has a model name, hash or file")
	}
	return nil
}

// AppendHeader appends the encoded archive header for h to dst. It fails,
// appending nothing, if h breaks the rules of SPEC.md section 4.2.
//
// Layout: magic, major, minor, uvarint body length, body, CRC-32C of
// everything before it (u32, little-endian).
func AppendHeader(dst []byte, h *Header) ([]byte, error) {
	if err := h.check(); err != nil {
		return dst, fmt.Errorf("format: %w", err)
	}
	var body []byte
	var flags byte
	var model []byte // the model's stored form
	if h.Model != nil {
		flags |= flagModel
		model = h.Model
	}
	compress := false
	if h.CompressModel {
		z, err := compressModel(h.Model)
		if err != nil {
			return dst, fmt.Errorf("format: compressing the embedded model: %w", err)
		}
		// The frame costs its own length and model_size's uvarint.
		if len(z)+len(binary.AppendUvarint(nil, uint64(len(h.Model)))) < len(h.Model) {
			flags |= flagZstd
			model, compress = z, true
		}
	}
	if h.NoModel {
		flags |= flagNoModel
	}
	body = append(body, flags)
	if !h.NoModel {
		body = append(body, byte(len(h.ModelName)))
		body = append(body, h.ModelName...)
		body = append(body, h.ModelHash[:]...)
	}
	body = binary.AppendUvarint(body, uint64(h.RecordSize))
	body = binary.AppendUvarint(body, uint64(h.ChunkRecords))
	body = binary.AppendUvarint(body, uint64(h.Lanes))
	if compress {
		body = binary.AppendUvarint(body, uint64(len(h.Model)))
	}
	if h.Model != nil {
		body = binary.AppendUvarint(body, uint64(len(model)))
		body = append(body, model...)
	}

	start := len(dst)
	dst = append(dst, Magic...)
	dst = append(dst, MajorVersion, MinorVersion)
	dst = binary.AppendUvarint(dst, uint64(len(body)))
	dst = append(dst, body...)
	dst = binary.LittleEndian.AppendUint32(dst, Checksum(dst[start:]))
	return dst, nil
}

// WriteHeader writes the encoded archive header for h to w.
func WriteHeader(w io.Writer, h *Header) error {
	b, err := AppendHeader(nil, h)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// parseHeaderBody decodes a header body whose checksum has already been
// verified. bodyOff is the archive offset of body[0], for error offsets.
func parseHeaderBody(body []byte, bodyOff int64, minor uint8, lim *Limits) (*Header, error) {
	c := cursor{b: body}
	bad := func(format string, args ...any) error {
		return corrupt(bodyOff+int64(c.i), ErrHeader, format, args...)
	}
	flags, ok := c.byte()
	if !ok {
		return nil, bad("header body ends before the flags")
	}
	if flags&^knownFlags != 0 {
		return nil, corrupt(bodyOff, ErrVersion, "header flags %#02x use features unknown to this reader", flags)
	}
	h := &Header{Minor: minor, NoModel: flags&flagNoModel != 0}
	if h.NoModel && flags&flagModel != 0 {
		return nil, bad("header flags %#02x embed a model in an archive without one", flags)
	}
	if flags&flagZstd != 0 && flags&flagModel == 0 {
		return nil, bad("header flags %#02x compress an embedded model that is not there", flags)
	}
	if !h.NoModel {
		if err := parseModelID(&c, h, bad); err != nil {
			return nil, err
		}
	}
	if err := parseLayout(&c, h, bodyOff, lim); err != nil {
		return nil, err
	}
	return parseEmbedded(&c, h, bodyOff, flags, lim)
}

// parseModelID reads the model's name and hash.
func parseModelID(c *cursor, h *Header, bad func(string, ...any) error) error {
	n, ok := c.byte()
	if !ok {
		return bad("header body ends before the model name length")
	}
	if n > MaxNameLen {
		return bad("model name length %d exceeds %d", n, MaxNameLen)
	}
	name, ok := c.bytes(int(n))
	if !ok {
		return bad("header body ends inside the model name")
	}
	if !utf8.Valid(name) {
		return bad("model name is not valid UTF-8")
	}
	h.ModelName = string(name)
	hash, ok := c.bytes(32)
	if !ok {
		return bad("header body ends inside the model hash")
	}
	copy(h.ModelHash[:], hash)
	return nil
}

// parseLayout reads the record size, records per chunk and lane count.
func parseLayout(c *cursor, h *Header, bodyOff int64, lim *Limits) error {
	fields := []struct {
		dst  *int
		name string
		max  uint64
	}{
		{&h.RecordSize, "record size", MaxRecordSize},
		{&h.ChunkRecords, "records per chunk", MaxChunkRecords},
		{&h.Lanes, "lane count", MaxLanes},
	}
	for _, f := range fields {
		at := c.i
		v, err := c.uvarint()
		if err != nil {
			return corrupt(bodyOff+int64(at), ErrHeader, "%s: %v", f.name, err)
		}
		if v < 1 || v > f.max {
			return corrupt(bodyOff+int64(at), ErrHeader, "%s %d outside 1..%d", f.name, v, f.max)
		}
		*f.dst = int(v)
	}
	if cb := int64(h.RecordSize) * int64(h.ChunkRecords); cb > MaxChunkBytes {
		return corrupt(bodyOff+int64(c.i), ErrHeader, "chunk of %d bytes exceeds %d", cb, MaxChunkBytes)
	} else if cb > int64(lim.MaxDecoded) {
		return corrupt(bodyOff, ErrLimit, "chunk of %d bytes exceeds the limit of %d", cb, lim.MaxDecoded)
	}
	return nil
}
