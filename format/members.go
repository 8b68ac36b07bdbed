package format

import (
	"encoding/binary"
	"errors"
	"io"
)

// FrameRef places one frame of an input: its offset (from the first byte of
// the input, across concatenated archives) and what its header states.
type FrameRef struct {
	Offset int64
	IndexEntry
}

// Member is one archive of an input read with ReadMembers.
type Member struct {
	Offset    int64 // offset of the archive's first byte
	Header    *Header
	HeaderLen int64
	// Frames are the archive's frames after the header, in order, up to the
	// index frame (for an archive read through its index) or the end frame.
	Frames []FrameRef
	// End is the end frame, with its offset; End.Offset plus the end
	// frame's length is where the archive ends.
	End Frame
	// IndexOffset and IndexLen place the index frame that Frames were read
	// from; both are 0 for an archive whose frame headers were walked.
	IndexOffset, IndexLen int64

	walkedIndex bool // walking met an index frame
}

// Totals returns what the member's frames add up to.
func (m *Member) Totals() Totals {
	x := ArchiveIndex{Frames: make([]IndexEntry, len(m.Frames))}
	for i, f := range m.Frames {
		x.Frames[i] = f.IndexEntry
	}
	return x.Totals()
}

// ReadMembers reads the table of contents of the input r of size bytes:
// every archive, with every frame's place, without reading payloads. From
// the end of the input back, each archive that ends in an index frame
// (SPEC.md section 4.11) is read through its index: the end frame, the index
// frame and the header, three reads. The archives before the first one
// without an index are found by walking their frame headers from the start
// of the input, which skips payloads without reading them. An archive whose
// index is damaged or lying is an error, found by that walk; bytes that only
// look like an index footer (the end of a tail's content) are not.
//
// What is checked: the header, every frame header walked, the end frames'
// totals against the frames (their CRCs combined), and for an index its
// CRC, its entries against the header's bounds, the totals it implies
// against the end frame, and that its frames fill the archive exactly from
// the header to the index frame. The frames an index lists are checked
// when they are read (ReadFrameAt): a frame header that does not state
// what the index says is ErrFrame. Payloads are not checked here.
//
// maxFrames bounds the frames of all archives together (ErrLimit beyond
// it), so that memory follows the caller's bound: each costs about 40
// bytes. Errors are *CorruptInputError values, as from a Reader.
func ReadMembers(r io.ReaderAt, size int64, lim Limits, maxFrames int) ([]Member, error) {
	lim = lim.withDefaults()
	if size == 0 {
		return nil, io.EOF
	}
	var tail []Member // indexed archives at the end, last first
	frames := 0
	pos := size
	var indexErr error // why the archive ending at pos could not be read through its index
	for pos > 0 {
		m, err := indexedMemberBefore(r, pos, &lim)
		if err == errNoIndex {
			break
		}
		if err != nil {
			// Either the index is damaged or lying, or the content of the
			// last frame merely ends like an index footer. Walking the
			// archive tells which: an index frame it meets is reported.
			indexErr = err
			break
		}
		if frames += len(m.Frames); frames > maxFrames {
			return nil, corrupt(m.Offset, ErrLimit, "more than %d frames", maxFrames)
		}
		tail = append(tail, *m)
		pos = m.Offset
	}
	var out []Member
	for off := int64(0); off < pos; {
		m, err := walkMember(r, off, pos, &lim, maxFrames-frames)
		if err != nil {
			return nil, err
		}
		if m.walkedIndex && indexErr != nil && m.End.Offset+frameHeaderLen(m.End.Records, m.End.DecodedLen, 0) == pos {
			return nil, indexErr
		}
		frames += len(m.Frames)
		out = append(out, *m)
		off = m.End.Offset + frameHeaderLen(m.End.Records, m.End.DecodedLen, 0)
	}
	for i := len(tail) - 1; i >= 0; i-- {
		out = append(out, tail[i])
	}
	return out, nil
}

// readHeaderAt reads the archive header at off (the input ending at end).
func readHeaderAt(r io.ReaderAt, off, end int64, lim *Limits) (*Header, int64, error) {
	z := NewReader(io.NewSectionReader(r, off, end-off), *lim)
	h, err := z.ReadHeader()
	if err == io.EOF {
		err = corrupt(0, io.ErrUnexpectedEOF, "input ends where an archive header should start")
	}
	if err != nil {
		var ce *CorruptInputError
		if errors.As(err, &ce) {
			c := *ce
			c.Offset += off
			return nil, 0, &c
		}
		return nil, 0, err
	}
	return h, z.Offset(), nil
}

// walkMember reads the archive at off by its frame headers, up to its end
// frame, which must end at or before end.
func walkMember(r io.ReaderAt, off, end int64, lim *Limits, maxFrames int) (*Member, error) {
	h, hl, err := readHeaderAt(r, off, end, lim)
	if err != nil {
		return nil, err
	}
	m := &Member{Offset: off, Header: h, HeaderLen: hl}
	var t Totals
	for p := off + hl; ; {
		f, err := frameHeaderAt(r, p, end, h, lim)
		if err != nil {
			return nil, err
		}
		next := p + int64(f.n) + f.payload
		if next > end {
			return nil, corrupt(end, io.ErrUnexpectedEOF, "input ends inside a %v frame that starts at offset %d", f.typ, p)
		}
		if f.typ == End {
			if f.records != t.Records || f.decoded != t.Len || f.crc != t.CRC {
				return nil, corrupt(p, ErrChecksum,
					"end frame states %d records, %d bytes, CRC-32C %#08x; the frames hold %d records, %d bytes, CRC-32C %#08x",
					f.records, f.decoded, f.crc, t.Records, t.Len, t.CRC)
			}
			if f.payload != 0 {
				// The member ends after the payload; ReadMembers steps over
				// an end frame of its header's length only.
				return nil, corrupt(p, ErrFrame, "end frame with a payload (a later minor version): not supported for random access")
			}
			m.End = Frame{Type: End, Records: f.records, DecodedLen: f.decoded, CRC: f.crc, Offset: p}
			return m, nil
		}
		if len(m.Frames) >= maxFrames {
			return nil, corrupt(p, ErrLimit, "more than the %d frames allowed", maxFrames)
		}
		m.walkedIndex = m.walkedIndex || f.typ == Index
		ref := FrameRef{Offset: p, IndexEntry: IndexEntry{Len: next - p, Records: f.records, DecodedLen: f.decoded, CRC: f.crc}}
		if !f.typ.IsData() {
			ref.Records, ref.DecodedLen = 0, 0
		} else {
			if t.Len > 1<<62-f.decoded {
				return nil, corrupt(p, ErrFrame, "archive content exceeds 2^62 bytes")
			}
			t.Records += f.records
			t.Len += f.decoded
			t.CRC = CombineChecksum(t.CRC, f.crc, f.decoded)
		}
		m.Frames = append(m.Frames, ref)
		p = next
	}
}

// endFrameBefore finds the end frame that ends at pos by reading its header
// backwards: crc and check are the last six bytes, a payload length of 0 is
// the byte before, and the two uvarints before that are found by their
// bytes' high bits (the last byte of a uvarint has it clear, the others
// set), back to the type byte 0x00. errNoIndex means there is none.
func endFrameBefore(r io.ReaderAt, pos int64, lim *Limits) (*Frame, error) {
	var buf [maxFrameHeader]byte
	start := max(0, pos-maxFrameHeader)
	b := buf[:pos-start]
	if _, err := readAt(r, b, start, pos); err != nil {
		return nil, err
	}
	i := len(b) - 7 // the payload length
	if i < 3 || b[i] != 0 {
		return nil, errNoIndex
	}
	back := func(end int) int { // start of the uvarint ending at end-1, or -1
		k := end - 1
		if k < 0 || b[k] >= 0x80 {
			return -1
		}
		for k > 0 && b[k-1] >= 0x80 {
			k--
		}
		return k
	}
	d := back(i)
	if d < 0 {
		return nil, errNoIndex
	}
	rc := back(d)
	if rc < 1 || b[rc-1] != byte(End) {
		return nil, errNoIndex
	}
	off := start + int64(rc-1)
	var h Header // an end frame's rules do not depend on the header
	f, err := parseFrameHeader(b[rc-1:], true, off, &h, lim)
	if err != nil || f.typ != End || f.n != len(b)-(rc-1) {
		return nil, errNoIndex
	}
	return &Frame{Type: End, Records: f.records, DecodedLen: f.decoded, CRC: f.crc, Offset: off}, nil
}

// indexedMemberBefore reads the archive that ends at pos through its index.
// errNoIndex means the archive has no index (or pos is not after an end
// frame: the walk from the start then finds out what is there).
func indexedMemberBefore(r io.ReaderAt, pos int64, lim *Limits) (*Member, error) {
	end, err := endFrameBefore(r, pos, lim)
	if err != nil {
		return nil, err
	}
	e := end.Offset
	var foot [indexFooter]byte
	if e < int64(len(foot))+minHeaderLen {
		return nil, errNoIndex
	}
	if _, err := readAt(r, foot[:], e-int64(len(foot)), pos); err != nil {
		return nil, err
	}
	if string(foot[4:]) != indexMagic {
		return nil, errNoIndex
	}
	// From here on the archive claims an index: anything wrong is an error.
	n := int64(binary.LittleEndian.Uint32(foot[:]))
	s := e - n
	if n > MaxIndexPayload+maxFrameHeader {
		return nil, corrupt(e-int64(len(foot)), ErrLimit, "index frame of %d bytes exceeds the most an index may have, %d", n, MaxIndexPayload)
	}
	if n > int64(lim.MaxPayload)+maxFrameHeader {
		return nil, errNoIndex // more than the caller may hold: walk instead
	}
	if n < int64(indexFooter) || s < minHeaderLen {
		return nil, corrupt(e-int64(len(foot)), ErrFrame, "index footer states an index frame of %d bytes before offset %d", n, e)
	}
	buf := make([]byte, n)
	if _, err := readAt(r, buf, s, pos); err != nil {
		return nil, err
	}
	var h Header // a skippable frame's rules do not depend on the header
	f, err := parseFrameHeader(buf, false, s, &h, lim)
	if err != nil {
		return nil, err
	}
	if f.typ != Index || int64(f.n)+f.payload != n {
		return nil, corrupt(s, ErrFrame, "index footer before offset %d does not lead to an index frame (a %v frame of %d bytes at offset %d)", e, f.typ, int64(f.n)+f.payload, s)
	}
	payload := buf[f.n:]
	if c := Checksum(payload); c != f.crc {
		return nil, corrupt(s, ErrChecksum, "index payload has CRC-32C %#08x, want %#08x", c, f.crc)
	}
	x, err := ParseIndexPayload(payload, n, s+int64(f.n))
	if err != nil {
		return nil, err
	}
	a := s - x.Len()
	if a < 0 {
		return nil, corrupt(s, ErrFrame, "index lists %d bytes of header and frames before offset %d", x.Len(), s)
	}
	hdr, hl, err := readHeaderAt(r, a, s, lim)
	if err != nil {
		return nil, corrupt(s, ErrFrame, "index places its archive's header at offset %d, where there is none (%v)", a, err)
	}
	if hl != x.HeaderLen {
		return nil, corrupt(s, ErrFrame, "index states a header of %d bytes; the header at offset %d has %d", x.HeaderLen, a, hl)
	}
	if err := x.CheckHeader(hdr, s); err != nil {
		return nil, err
	}
	if err := checkIndexTotals(x, end, s); err != nil {
		return nil, err
	}
	m := &Member{Offset: a, Header: hdr, HeaderLen: hl, End: *end, IndexOffset: s, IndexLen: n, Frames: make([]FrameRef, len(x.Frames))}
	p := a + hl
	for i, en := range x.Frames {
		m.Frames[i] = FrameRef{Offset: p, IndexEntry: en}
		p += en.Len
	}
	return m, nil
}
