package format

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Index is the frame type of an archive's index (SPEC.md section 4.11): a
// skippable frame, so readers that do not know it skip it, written as the
// last frame before the end frame. It lists every frame between the archive
// header and itself, so that a reader holding the whole archive (an
// io.ReaderAt) can find any frame without reading the others.
const Index FrameType = Skippable | 0x00

// indexMagic ends every index payload, after the u32 length of the index
// frame: a reader that finds it just before an end frame knows where the
// index frame starts.
const indexMagic = "\xBBidx"

// indexFooter is the fixed-size end of an index payload: the index frame's
// length (u32) and indexMagic.
const indexFooter = 4 + len(indexMagic)

// MaxIndexPayload bounds the payload of an index frame a writer writes
// (and so the frames one index can list, at about 8 to 20 bytes each). A
// writer whose index would be longer writes none; readers then walk the
// frame headers.
const MaxIndexPayload = 16 << 20

// IndexEntry describes one frame of an archive, as its index lists it: the
// fields of the frame's header that place it in the archive and in the
// decoded content. Nothing in it depends on the frame's type, so an index
// covers data frame types added later: a frame with DecodedLen 0 (a
// skippable frame) holds no content; any other frame holds the next
// DecodedLen bytes of content and, if Records > 0, the next Records records.
type IndexEntry struct {
	Len        int64  // bytes of the whole frame, header and payload
	Records    int64  // the frame header's record count
	DecodedLen int64  // the frame header's decoded length
	CRC        uint32 // the frame header's crc field
}

// ArchiveIndex is the content of an index frame: the length of the
// archive's header and every frame from the end of the header to the index
// frame, in archive order. Frame offsets and decoded offsets are the
// running sums of the lengths, so entries cannot overlap or be out of order.
type ArchiveIndex struct {
	HeaderLen int64
	Frames    []IndexEntry
}

// Totals returns what the end frame of the indexed archive must state.
func (x *ArchiveIndex) Totals() Totals {
	var t Totals
	for _, e := range x.Frames {
		if e.DecodedLen > 0 {
			t.Records += e.Records
			t.Len += e.DecodedLen
			t.CRC = CombineChecksum(t.CRC, e.CRC, e.DecodedLen)
		}
	}
	return t
}

// Len returns the number of archive bytes the index covers: the header and
// every frame it lists (the index frame starts there).
func (x *ArchiveIndex) Len() int64 {
	n := x.HeaderLen
	for _, e := range x.Frames {
		n += e.Len
	}
	return n
}

// AppendIndexPayload appends the payload of the index frame for x: the
// header length, the entry count, the entries, then the footer (the length
// of the whole index frame and the index magic).
func AppendIndexPayload(dst []byte, x *ArchiveIndex) []byte {
	var b IndexBuilder
	b.Reset(x.HeaderLen)
	for _, e := range x.Frames {
		b.Add(e)
	}
	return b.appendPayload(dst)
}

// AppendIndexFrame appends the whole index frame for x (header and payload).
func AppendIndexFrame(dst []byte, x *ArchiveIndex) []byte {
	p := AppendIndexPayload(nil, x)
	dst = appendFrameHeader(dst, Index, 0, 0, int64(len(p)), Checksum(p))
	return append(dst, p...)
}

// IndexBuilder collects the index of an archive while its frames are
// written, keeping the entries encoded (8 to 20 bytes a frame).
type IndexBuilder struct {
	headerLen int64
	n         int64
	entries   []byte
	tooLong   bool
}

// Reset starts the index of an archive whose header is headerLen bytes.
func (b *IndexBuilder) Reset(headerLen int64) {
	*b = IndexBuilder{headerLen: headerLen, entries: b.entries[:0]}
}

// Add appends the entry of the next frame. Past MaxIndexPayload the
// builder stops keeping entries and AppendFrame gives no index.
func (b *IndexBuilder) Add(e IndexEntry) {
	if b.tooLong {
		return
	}
	b.n++
	b.entries = binary.AppendUvarint(b.entries, uint64(e.Len))
	b.entries = binary.AppendUvarint(b.entries, uint64(e.Records))
	b.entries = binary.AppendUvarint(b.entries, uint64(e.DecodedLen))
	b.entries = binary.LittleEndian.AppendUint32(b.entries, e.CRC)
	if len(b.entries) > MaxIndexPayload-64 {
		b.tooLong, b.entries = true, nil
	}
}

// Frames returns the number of entries added.
func (b *IndexBuilder) Frames() int64 { return b.n }

// AppendFrame appends the index frame of the entries added. It appends
// nothing and returns false when the index would exceed MaxIndexPayload.
func (b *IndexBuilder) AppendFrame(dst []byte) ([]byte, bool) {
	if b.tooLong {
		return dst, false
	}
	p := b.appendPayload(nil)
	dst = appendFrameHeader(dst, Index, 0, 0, int64(len(p)), Checksum(p))
	return append(dst, p...), true
}

func (b *IndexBuilder) appendPayload(dst []byte) []byte {
	start := len(dst)
	dst = binary.AppendUvarint(dst, uint64(b.headerLen))
	dst = binary.AppendUvarint(dst, uint64(b.n))
	dst = append(dst, b.entries...)
	payload := int64(len(dst) - start + indexFooter)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(frameHeaderLen(0, 0, payload)+payload))
	return append(dst, indexMagic...)
}

// frameHeaderLen is the length of a frame header with these fields.
func frameHeaderLen(records, decoded, payload int64) int64 {
	return int64(1 + uvarintLen(records) + uvarintLen(decoded) + uvarintLen(payload) + 4 + 2)
}

func uvarintLen(v int64) int {
	var b [binary.MaxVarintLen64]byte
	return binary.PutUvarint(b[:], uint64(v))
}

// ParseIndexPayload decodes an index payload whose CRC has been checked and
// applies the rules that need nothing but the payload: minimal uvarints, an
// entry count that fits the payload, entries whose lengths can hold their
// own frame headers, and a footer that states frameLen, the length of the
// index frame it was read from. off is the payload's offset, for errors
// (ErrFrame). CheckHeader applies the rules that need the archive header.
func ParseIndexPayload(p []byte, frameLen int64, off int64) (*ArchiveIndex, error) {
	bad := func(at int, format string, args ...any) error {
		return corrupt(off+int64(at), ErrFrame, "index: "+format, args...)
	}
	if len(p) < indexFooter+2 {
		return nil, bad(0, "payload of %d bytes is too short", len(p))
	}
	body, foot := p[:len(p)-indexFooter], p[len(p)-indexFooter:]
	if string(foot[4:]) != indexMagic {
		return nil, bad(len(body)+4, "payload does not end in the index magic")
	}
	if got := int64(binary.LittleEndian.Uint32(foot)); got != frameLen {
		return nil, bad(len(body), "footer states an index frame of %d bytes, the frame has %d", got, frameLen)
	}
	c := cursor{b: body}
	field := func(name string) (int64, error) {
		at := c.i
		v, err := c.uvarint()
		if err != nil {
			return 0, bad(at, "%s: %v", name, err)
		}
		return int64(v), nil
	}
	x := &ArchiveIndex{}
	var err error
	if x.HeaderLen, err = field("header length"); err != nil {
		return nil, err
	}
	if x.HeaderLen < minHeaderLen {
		return nil, bad(0, "header length %d is shorter than any header (%d)", x.HeaderLen, minHeaderLen)
	}
	n, err := field("entry count")
	if err != nil {
		return nil, err
	}
	// Each entry takes at least 7 bytes: bound the count by the payload
	// before allocating for it.
	if n > int64(len(body)-c.i)/7 {
		return nil, bad(c.i, "%d entries do not fit in %d bytes", n, len(body)-c.i)
	}
	x.Frames = make([]IndexEntry, n)
	for i := range x.Frames {
		at := c.i
		e := &x.Frames[i]
		if e.Len, err = field("frame length"); err != nil {
			return nil, err
		}
		if e.Records, err = field("record count"); err != nil {
			return nil, err
		}
		if e.DecodedLen, err = field("decoded length"); err != nil {
			return nil, err
		}
		crc, ok := c.bytes(4)
		if !ok {
			return nil, bad(c.i, "entry %d ends early", i)
		}
		e.CRC = binary.LittleEndian.Uint32(crc)
		switch {
		case e.DecodedLen == 0 && e.Records != 0:
			return nil, bad(at, "entry %d: %d records and no content", i, e.Records)
		case e.Len < frameHeaderLen(e.Records, e.DecodedLen, 0) || e.Len > 1<<62:
			return nil, bad(at, "entry %d: frame length %d cannot hold its header", i, e.Len)
		}
	}
	if c.i != len(body) {
		return nil, bad(c.i, "%d bytes after the last entry", len(body)-c.i)
	}
	var total int64 = x.HeaderLen
	for i, e := range x.Frames {
		if total += e.Len; total > 1<<62 {
			return nil, bad(0, "entry %d: the frames exceed 2^62 bytes", i)
		}
	}
	return x, nil
}

// CheckHeader applies the rules of an index that need the header h of its
// archive: every entry a possible frame of the archive (records and decoded
// length within the largest frame's, a general frame's, records whole). off is the offset of the
// index frame, for errors (ErrFrame).
func (x *ArchiveIndex) CheckHeader(h *Header, off int64) error {
	rs := int64(h.RecordSize)
	for i, e := range x.Frames {
		var why string
		switch {
		case e.DecodedLen > h.MaxFrameBytes(): // a general frame's bound (entries have no type)
			why = fmt.Sprintf("%d decoded bytes exceed the largest frame's %d", e.DecodedLen, h.MaxFrameBytes())
		case e.Records > maxRecords(h, Zstd):
			why = fmt.Sprintf("%d records exceed the largest frame's %d", e.Records, maxRecords(h, Zstd))
		case e.Records > 0 && e.DecodedLen != e.Records*rs:
			why = fmt.Sprintf("%d records of %d bytes in %d decoded bytes", e.Records, rs, e.DecodedLen)
		default:
			continue
		}
		return corrupt(off, ErrFrame, "index entry %d: %s", i, why)
	}
	return nil
}

// minHeaderLen is the shortest archive header: magic, versions, a one-byte
// body length, the smallest body (flags and three uvarints) and the CRC.
const minHeaderLen = 4 + 2 + 1 + 4 + 4

// errNoIndex reports that an archive has no index frame where one would be;
// the caller walks the frame headers instead.
var errNoIndex = errors.New("format: no index frame")

// checkIndexTotals compares the totals an index implies with the end frame.
func checkIndexTotals(x *ArchiveIndex, end *Frame, off int64) error {
	t := x.Totals()
	if t.Records != end.Records || t.Len != end.DecodedLen || t.CRC != end.CRC {
		return corrupt(off, ErrChecksum,
			"index lists %d records, %d bytes, CRC-32C %#08x; the end frame states %d records, %d bytes, CRC-32C %#08x",
			t.Records, t.Len, t.CRC, end.Records, end.DecodedLen, end.CRC)
	}
	return nil
}

// String describes an entry for tools.
func (e IndexEntry) String() string {
	return fmt.Sprintf("%d bytes, %d records, %d decoded, crc %#08x", e.Len, e.Records, e.DecodedLen, e.CRC)
}
