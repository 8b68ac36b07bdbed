package format

import (
	"encoding/binary"
	"fmt"
	"io"
)

// frameFields are the fields of a frame header.
type frameFields struct {
	typ                       FrameType
	records, decoded, payload int64
	crc                       uint32
	n                         int // bytes of the header
}

// parseFrameHeader parses the frame header at the start of b, read from
// archive offset off, with the checks of SPEC.md section 4.8 step 2 in the
// same order as Reader.Next: fields, check, type, limits, the rules of the
// frame's type. cut says that b ends where the input ends (rather than
// where the caller stopped reading), so that a header running past it is
// io.ErrUnexpectedEOF.
func parseFrameHeader(b []byte, cut bool, off int64, h *Header, lim *Limits) (frameFields, error) {
	var f frameFields
	short := func() error {
		return corrupt(off+int64(len(b)), io.ErrUnexpectedEOF, "input ends inside a frame header that starts at offset %d", off)
	}
	if len(b) == 0 {
		return f, short()
	}
	f.typ = FrameType(b[0])
	i := 1
	var v [3]int64
	names := [3]string{"record count", "decoded length", "payload length"}
	for k := range v {
		x, n, err := uvarint(b[i:])
		if err == errVarintShort && cut {
			return f, short()
		}
		if err != nil {
			return f, corrupt(off+int64(i), ErrFrame, "frame %s: %v", names[k], err)
		}
		v[k] = int64(x)
		i += n
	}
	if len(b) < i+6 {
		if cut {
			return f, short()
		}
		return f, corrupt(off, ErrFrame, "frame header longer than %d bytes", len(b))
	}
	f.crc = binary.LittleEndian.Uint32(b[i:])
	if want, got := binary.LittleEndian.Uint16(b[i+4:]), frameCheck(b[:i+4]); want != got {
		return f, corrupt(off, ErrFrame, "frame header check %#04x does not match its content (%#04x)", want, got)
	}
	f.records, f.decoded, f.payload, f.n = v[0], v[1], v[2], i+6
	t := f.typ
	if t&Skippable == 0 && !t.IsData() && t != End {
		return f, corrupt(off, ErrFrameType, "frame type %#02x is not known to this reader and not skippable", byte(t))
	}
	if f.payload > int64(lim.MaxPayload) && (t != Index || f.payload > MaxIndexPayload) { // as Reader.Next
		return f, corrupt(off, ErrLimit, "%v frame payload of %d bytes exceeds the limit of %d", t, f.payload, lim.MaxPayload)
	}
	if t.IsData() && f.decoded > int64(lim.MaxDecoded) {
		return f, corrupt(off, ErrLimit, "%v frame of %d decoded bytes exceeds the limit of %d", t, f.decoded, lim.MaxDecoded)
	}
	if err := checkFrame(h, t, f.records, f.decoded, f.payload); err != nil {
		return f, corrupt(off, ErrFrame, "%v", err)
	}
	return f, nil
}

// readAt reads len(p) bytes at off, or fewer when the input (of size bytes)
// ends first; it returns how many it read.
func readAt(r io.ReaderAt, p []byte, off, size int64) (int, error) {
	if off >= size {
		return 0, nil
	}
	if rest := size - off; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return n, nil
	}
	if err == nil || err == io.EOF {
		err = corrupt(off+int64(n), io.ErrUnexpectedEOF, "input ends %d bytes before its stated size", int64(len(p)-n))
	}
	return n, err
}

// frameHeaderAt reads and parses the frame header at off of an input of
// size bytes.
func frameHeaderAt(r io.ReaderAt, off, size int64, h *Header, lim *Limits) (frameFields, error) {
	var b [maxFrameHeader]byte
	n, err := readAt(r, b[:], off, size)
	if err != nil {
		return frameFields{}, err
	}
	return parseFrameHeader(b[:n], off+int64(n) == size, off, h, lim)
}

// ReadFrameAt reads the data frame that ref places in r (an input of size
// bytes, whose archive has header h) and checks it against ref: the frame
// header there must be a valid header of a data frame (as Reader.Next
// checks it, limits included) that states ref's length, record count,
// decoded length and CRC. So an index that lies about a frame is reported
// (ErrFrame) before anything is decoded. The payload is read into buf,
// which is grown as needed and returned as the frame's Payload; the content
// is not verified (Frame.Verify does that, on what the payload decodes to).
func ReadFrameAt(r io.ReaderAt, size int64, ref FrameRef, h *Header, lim Limits, buf []byte) (*Frame, error) {
	lim = lim.withDefaults()
	if ref.Len > int64(lim.MaxPayload)+maxFrameHeader {
		return nil, corrupt(ref.Offset, ErrLimit, "frame of %d bytes exceeds the limit of %d", ref.Len, lim.MaxPayload)
	}
	if ref.Offset < 0 || ref.Len < 0 || ref.Offset > size-ref.Len {
		return nil, corrupt(ref.Offset, ErrFrame, "frame of %d bytes at offset %d is outside the input of %d bytes", ref.Len, ref.Offset, size)
	}
	if int64(cap(buf)) < ref.Len {
		buf = make([]byte, ref.Len)
	}
	buf = buf[:ref.Len]
	if _, err := readAt(r, buf, ref.Offset, size); err != nil {
		return nil, err
	}
	f, err := parseFrameHeader(buf, false, ref.Offset, h, &lim)
	if err != nil {
		return nil, err
	}
	if !f.typ.IsData() || int64(f.n)+f.payload != ref.Len || f.records != ref.Records || f.decoded != ref.DecodedLen || f.crc != ref.CRC {
		return nil, corrupt(ref.Offset, ErrFrame, "the index lists a frame of %d bytes, %d records, %d decoded bytes, CRC-32C %#08x here; the input holds a %v frame of %d bytes, %d records, %d decoded bytes, CRC-32C %#08x",
			ref.Len, ref.Records, ref.DecodedLen, ref.CRC, f.typ, int64(f.n)+f.payload, f.records, f.decoded, f.crc)
	}
	p, err := splitPayload(f.typ, buf[f.n:])
	if err != nil {
		return nil, corrupt(ref.Offset, ErrChecksum, "%v", err)
	}
	return &Frame{Type: f.typ, Records: f.records, DecodedLen: f.decoded, CRC: f.crc, Payload: p, Offset: ref.Offset}, nil
}

// String describes a frame reference for tools.
func (ref FrameRef) String() string {
	return fmt.Sprintf("offset %d: %v", ref.Offset, ref.IndexEntry)
}
