package format

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// FrameType is the first byte of a frame. Its high bit (Skippable) marks a
// frame that carries no content: a reader that does not know the type skips
// it. An unknown type without that bit is mandatory and stops a reader with
// ErrFrameType, because ignoring it would lose content.
type FrameType byte

// Frame types of format version 1.0.
const (
	End    FrameType = 0x00 // end of the archive: totals, no content
	Chunk  FrameType = 0x01 // whole records coded with BB-ANS; payload is the ANS message
	Stored FrameType = 0x02 // whole records stored verbatim (coding would not pay)
	Tail   FrameType = 0x03 // fewer bytes than one record, stored verbatim
	Raw    FrameType = 0x04 // bytes outside the record grid (e.g. a file header), verbatim
	Zstd   FrameType = 0x05 // whole records as one Zstandard frame (RFC 8878)
	Brotli FrameType = 0x06 // whole records as one Brotli stream (RFC 7932)

	// Skippable is the bit that marks a frame type readers may skip.
	Skippable FrameType = 0x80
)

func (t FrameType) String() string {
	switch t {
	case End:
		return "end"
	case Chunk:
		return "chunk"
	case Stored:
		return "stored"
	case Tail:
		return "tail"
	case Raw:
		return "raw"
	case Index:
		return "index"
	case Zstd:
		return "zstd"
	case Brotli:
		return "brotli"
	}
	if t&Skippable != 0 {
		return fmt.Sprintf("skippable(%#02x)", byte(t))
	}
	return fmt.Sprintf("unknown(%#02x)", byte(t))
}

// IsData reports whether frames of type t carry decoded content.
func (t FrameType) IsData() bool { return t >= Chunk && t <= Brotli }

// IsCoded reports whether the payload of frames of type t is a coded form
// of their content (BB-ANS or a general-purpose codec) rather than the
// content itself, so that a reader must decode it and then check the CRC.
func (t FrameType) IsCoded() bool { return t == Chunk || t.IsGeneral() }

// IsGeneral reports whether t is a frame type whose payload a
// general-purpose codec decodes (Zstd, Brotli): data no model fits.
func (t FrameType) IsGeneral() bool { return t == Zstd || t == Brotli }

// maxFrameHeader is the longest frame header: type, three uvarints of at
// most 9 bytes each (values are below 2^63), CRC-32C and header check.
const maxFrameHeader = 1 + 3*9 + 4 + 2

// Frame is one frame of an archive.
//
// For a data frame, DecodedLen is the length of its decoded content and CRC
// the CRC-32C of that content. For Stored, Tail and Raw frames the payload
// is the content; for a Chunk frame it is the ANS message that decodes to
// Records records, for Zstd and Brotli frames a stream of that codec that
// decodes to them. For the End frame, Records, DecodedLen and CRC are the
// totals of the whole archive and Payload is empty.
type Frame struct {
	Type       FrameType
	Records    int64  // records in the frame (Chunk, Stored), total records (End), else 0
	DecodedLen int64  // bytes of decoded content (or total, for End)
	CRC        uint32 // CRC-32C of the decoded content (or of all content, for End)
	Payload    []byte

	// Offset is the archive offset of the frame's first byte. Readers set
	// it so that errors found later (Verify) can say where; writers ignore it.
	Offset int64
}

// checkFrame applies the rules of SPEC.md section 4.3 to a frame's header
// fields. The payload length of skippable and end frames is bounded by the
// reader's limits, not here.
func checkFrame(h *Header, t FrameType, records, decoded, payload int64) error {
	rs := int64(h.RecordSize)
	switch t {
	case Chunk, Stored, Zstd, Brotli:
		if most := maxRecords(h, t); records < 1 || records > most {
			return fmt.Errorf("%v frame with %d records, want 1..%d", t, records, most)
		}
		if decoded != records*rs {
			return fmt.Errorf("%v frame of %d records of %d bytes claims %d decoded bytes", t, records, rs, decoded)
		}
		if t == Stored && payload != decoded {
			return fmt.Errorf("stored frame with %d payload bytes for %d decoded bytes", payload, decoded)
		}
		if t == Chunk && h.NoModel {
			return errors.New("chunk frame in an archive without a model")
		}
		least := int64(1)
		if t.IsGeneral() {
			least += payloadCheckLen
		}
		if t.IsCoded() && (payload < least || payload > decoded) {
			// A chunk that codes to more than its content is written as a
			// stored frame instead, so this bound costs a writer nothing and
			// bounds a reader's payload memory by the chunk size.
			return fmt.Errorf("%v frame with %d payload bytes for %d decoded bytes, want %d..%d", t, payload, decoded, least, decoded)
		}
	case Tail, Raw:
		if records != 0 {
			return fmt.Errorf("%v frame with %d records, want 0", t, records)
		}
		max := int64(h.ChunkBytes())
		if t == Tail {
			max = rs - 1
		}
		if decoded < 1 || decoded > max {
			return fmt.Errorf("%v frame of %d bytes, want 1..%d", t, decoded, max)
		}
		if payload != decoded {
			return fmt.Errorf("%v frame with %d payload bytes for %d decoded bytes", t, payload, decoded)
		}
	case End:
		// Version 1.0 writes no payload; a reader skips one (a later minor
		// version may use it), bounded by its MaxPayload limit.
	default:
		if t&Skippable == 0 {
			return fmt.Errorf("unknown mandatory frame type %#02x", byte(t))
		}
		if records != 0 || decoded != 0 {
			return fmt.Errorf("skippable frame with %d records and %d decoded bytes, want 0", records, decoded)
		}
	}
	return nil
}

// appendFrameHeader appends type, records, decoded length, payload length,
// content CRC and the 16-bit check over those bytes.
func appendFrameHeader(dst []byte, t FrameType, records, decoded, payload int64, crc uint32) []byte {
	start := len(dst)
	dst = append(dst, byte(t))
	dst = binary.AppendUvarint(dst, uint64(records))
	dst = binary.AppendUvarint(dst, uint64(decoded))
	dst = binary.AppendUvarint(dst, uint64(payload))
	dst = binary.LittleEndian.AppendUint32(dst, crc)
	return binary.LittleEndian.AppendUint16(dst, frameCheck(dst[start:]))
}

// frameCheck is the frame header check: the low 16 bits of the CRC-32C of
// the header bytes before it. Sixteen bits are enough because a damaged
// header that slips through still meets the content CRC and the end totals;
// what the check buys is a precise error before a damaged length is used.
func frameCheck(b []byte) uint16 { return uint16(Checksum(b)) }

// AppendFrame appends the encoded frame f to dst, checking it against the
// rules of SPEC.md section 4.3 for an archive with header h. f.CRC must be
// the CRC-32C of the frame's decoded content (see Checksum); for Stored,
// Tail and Raw frames, whose payload is that content, it is verified
// (for coded frames, Chunk, Zstd and Brotli, it is the caller's word).
// A Zstd or Brotli payload is written with its CRC-32C trailer.
// Skippable frame types are accepted with Records and DecodedLen zero and
// f.CRC the CRC-32C of the payload. End frames are written by AppendEnd.
func AppendFrame(dst []byte, h *Header, f *Frame) ([]byte, error) {
	if f.Type == End {
		return dst, errors.New("format: end frames are written by AppendEnd")
	}
	n := wirePayloadLen(f.Type, len(f.Payload))
	if err := checkFrame(h, f.Type, f.Records, f.DecodedLen, n); err != nil {
		return dst, fmt.Errorf("format: %w", err)
	}
	if !f.Type.IsCoded() {
		if c := Checksum(f.Payload); c != f.CRC {
			return dst, fmt.Errorf("format: %v frame CRC %#08x, but its payload has CRC %#08x", f.Type, f.CRC, c)
		}
	}
	dst = appendFrameHeader(dst, f.Type, f.Records, f.DecodedLen, n, f.CRC)
	return appendPayload(dst, f.Type, f.Payload), nil
}

// AppendFrameHeader appends the header of frame f, checked as AppendFrame
// checks it, but not its payload, which the caller writes after it from
// where it is: so that a long stored payload is not copied to be written.
// It refuses Zstd and Brotli frames, whose payload has a trailer
// (AppendFrame writes them).
func AppendFrameHeader(dst []byte, h *Header, f *Frame) ([]byte, error) {
	if f.Type == End || f.Type.IsGeneral() {
		return dst, fmt.Errorf("format: %v frames are written whole", f.Type)
	}
	n := int64(len(f.Payload))
	if err := checkFrame(h, f.Type, f.Records, f.DecodedLen, n); err != nil {
		return dst, fmt.Errorf("format: %w", err)
	}
	if !f.Type.IsCoded() {
		if c := Checksum(f.Payload); c != f.CRC {
			return dst, fmt.Errorf("format: %v frame CRC %#08x, but its payload has CRC %#08x", f.Type, f.CRC, c)
		}
	}
	return appendFrameHeader(dst, f.Type, f.Records, f.DecodedLen, n, f.CRC), nil
}

// Verify checks decoded, the content a data frame decoded to, against the
// frame's length and CRC-32C. The error is a *CorruptInputError wrapping
// ErrChecksum, at the frame's offset.
func (f *Frame) Verify(decoded []byte) error {
	if int64(len(decoded)) != f.DecodedLen {
		return corrupt(f.Offset, ErrChecksum, "%v frame decoded to %d bytes, want %d", f.Type, len(decoded), f.DecodedLen)
	}
	if c := Checksum(decoded); c != f.CRC {
		return corrupt(f.Offset, ErrChecksum, "%v frame content has CRC-32C %#08x, want %#08x", f.Type, c, f.CRC)
	}
	return nil
}

// Totals accumulates what an archive's end frame states: the number of
// records, the decoded length and the CRC-32C of all content. Feed it every
// data frame, in archive order.
type Totals struct {
	Records int64
	Len     int64
	CRC     uint32
}

// Add accounts for frame f; frames other than data frames change nothing.
// The content CRC is combined from f.CRC (CombineChecksum), so Add does not
// touch the content.
func (t *Totals) Add(f *Frame) {
	if !f.Type.IsData() {
		return
	}
	t.Records += f.Records
	t.Len += f.DecodedLen
	t.CRC = CombineChecksum(t.CRC, f.CRC, f.DecodedLen)
}

// AppendEnd appends the end frame stating totals t to dst.
func AppendEnd(dst []byte, t Totals) []byte {
	return appendFrameHeader(dst, End, t.Records, t.Len, 0, t.CRC)
}
