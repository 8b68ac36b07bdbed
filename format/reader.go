package format

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
)

// Reader states.
const (
	stateHeader = iota // expecting an archive header (ReadHeader)
	stateFrames        // inside an archive (Next)
	stateEnded         // after an end frame: Next gives io.EOF, ReadHeader looks for another archive
)

// fillStep is the largest piece a claimed size is read in while the buffer
// grows, so memory follows the bytes that actually arrive, not the claim.
const fillStep = 64 << 10

// A Reader reads the frames of a stream of one or more concatenated
// archives. Call ReadHeader, then Next until it returns io.EOF (after the
// end frame); then ReadHeader again returns the next archive's header, or
// io.EOF when the input ends cleanly there.
//
// The Reader checks everything it can without decoding chunks: header and
// frame-header checksums, the rules and limits of every field, the content
// checksum of Stored, Tail and Raw frames, and the end frame's totals
// against the frames before it (combining the frames' own CRCs). The one
// check left to the caller is Frame.Verify on what each coded frame (Chunk,
// Zstd, Brotli) decodes to; with it, the content of the whole archive is verified.
//
// After an error from the input every later call returns the same error.
type Reader struct {
	br     *bufio.Reader
	lim    Limits
	off    int64
	state  int
	hdr    *Header
	totals Totals
	frame  Frame
	buf    []byte               // payload buffer, reused across frames
	skip   []byte               // scratch for discarding skipped payloads
	hb     [maxFrameHeader]byte // frame header bytes; a field, as a local would escape to io.ReadFull
	err    error
}

// NewReader returns a Reader of the archives in r, bounded by lim (zero
// fields take their defaults). The Reader buffers r and may read past the
// end of the last archive.
func NewReader(r io.Reader, lim Limits) *Reader {
	z := &Reader{lim: lim.withDefaults()}
	z.Reset(r)
	return z
}

// Reset discards the Reader's state and makes it read from r, keeping its
// limits and buffers.
func (z *Reader) Reset(r io.Reader) {
	if br, ok := r.(*bufio.Reader); ok {
		z.br = br
	} else if z.br != nil {
		z.br.Reset(r)
	} else {
		z.br = bufio.NewReaderSize(r, 32<<10)
	}
	z.off, z.state, z.hdr, z.totals, z.err = 0, stateHeader, nil, Totals{}, nil
}

// Offset returns the number of bytes of input consumed so far: after Next,
// the offset just past the frame it returned.
func (z *Reader) Offset() int64 { return z.off }

// Header returns the header of the current archive, or nil before the first
// ReadHeader.
func (z *Reader) Header() *Header { return z.hdr }

// ReadHeader reads the header of the next archive. It returns io.EOF, and
// no error, when the input ends where an archive could start: at once (empty
// input) or just after an end frame. Bytes there that are not an archive are
// ErrHeader, as for gzip multistream input.
func (z *Reader) ReadHeader() (*Header, error) {
	if z.err != nil {
		return nil, z.err
	}
	switch z.state {
	case stateFrames:
		return nil, errors.New("format: ReadHeader called before the end frame of the archive")
	}
	h, err := z.readHeader()
	if err != nil {
		if err != io.EOF {
			z.err = err
		}
		return nil, err
	}
	z.hdr, z.state, z.totals = h, stateFrames, Totals{}
	return h, nil
}

func (z *Reader) readHeader() (*Header, error) {
	start := z.off
	// pre holds magic, versions and body length: what the CRC covers
	// before the body.
	var pre [4 + 2 + 9]byte
	for i := range len(Magic) {
		c, err := z.readByte()
		if err == io.EOF && i == 0 {
			return nil, io.EOF
		}
		if err != nil {
			return nil, z.eof(err, "the archive magic", start)
		}
		if c != Magic[i] {
			if start > 0 {
				return nil, corrupt(start, ErrHeader, "data after an archive's end frame is not another archive (bad magic)")
			}
			return nil, corrupt(start, ErrHeader, "not a .bbans archive (bad magic)")
		}
		pre[i] = c
	}
	for i := 4; i < 6; i++ {
		c, err := z.readByte()
		if err != nil {
			return nil, z.eof(err, "the archive version", start)
		}
		pre[i] = c
	}
	switch major := pre[4]; {
	case major == 0:
		return nil, corrupt(start+4, ErrHeader, "major version 0")
	case major > MajorVersion:
		return nil, corrupt(start+4, ErrVersion, "archive version %d.%d is newer than this reader (%d.x)", major, pre[5], MajorVersion)
	}
	n, err := z.readUvarint(pre[6:], "the header length", start)
	if err != nil {
		return nil, err
	}
	bodyLen, _, verr := uvarint(pre[6 : 6+n])
	if verr != nil {
		return nil, corrupt(start+6, ErrHeader, "header length: %v", verr)
	}
	// The smallest body: flags, name length, hash and three 1-byte uvarints.
	const minBody = 1 + 3 // flags and three uvarints, for an archive without a model
	if bodyLen < minBody {
		return nil, corrupt(start+6, ErrHeader, "header body of %d bytes is shorter than %d", bodyLen, minBody)
	}
	if bodyLen > uint64(z.lim.MaxHeader) {
		return nil, corrupt(start+6, ErrLimit, "header body of %d bytes exceeds the limit of %d", bodyLen, z.lim.MaxHeader)
	}
	bodyOff := z.off
	// A fresh buffer: the returned Header's Model aliases it.
	body, err := z.fill(nil, int(bodyLen), "the archive header", start)
	if err != nil {
		return nil, err
	}
	var crcb [4]byte
	if err := z.readFull(crcb[:], "the header checksum", start); err != nil {
		return nil, err
	}
	crc := UpdateChecksum(Checksum(pre[:6+n]), body)
	if want := binary.LittleEndian.Uint32(crcb[:]); crc != want {
		return nil, corrupt(start, ErrHeader, "header checksum %#08x does not match its content (%#08x)", want, crc)
	}
	return parseHeaderBody(body, bodyOff, pre[5], &z.lim)
}

// Next returns the next frame of the current archive, or io.EOF after the
// end frame has been returned. Unknown skippable frames are skipped.
// The Frame and its Payload are valid until the next call of Next or Reset;
// copy the payload to keep it.
func (z *Reader) Next() (*Frame, error) {
	if z.err != nil {
		return nil, z.err
	}
	switch z.state {
	case stateHeader:
		return nil, errors.New("format: Next called before ReadHeader")
	case stateEnded:
		return nil, io.EOF
	}
	f, err := z.next()
	if err != nil {
		z.err = err
		return nil, err
	}
	return f, nil
}

func (z *Reader) next() (*Frame, error) {
	for {
		start := z.off
		hb := z.hb[:]
		t, err := z.readByte()
		if err != nil {
			return nil, z.eof(err, "a frame header (is the end frame missing?)", start)
		}
		hb[0] = t
		i := 1
		var v [3]uint64
		names := [3]string{"record count", "decoded length", "payload length"}
		for k := range v {
			n, err := z.readUvarint(hb[i:], "a frame header", start)
			if err != nil {
				return nil, err
			}
			var verr error
			if v[k], _, verr = uvarint(hb[i : i+n]); verr != nil {
				return nil, corrupt(z.off-int64(n), ErrFrame, "frame %s: %v", names[k], verr)
			}
			i += n
		}
		if err := z.readFull(hb[i:i+6], "a frame header", start); err != nil {
			return nil, err
		}
		crc := binary.LittleEndian.Uint32(hb[i:])
		if want, got := binary.LittleEndian.Uint16(hb[i+4:]), frameCheck(hb[:i+4]); want != got {
			return nil, corrupt(start, ErrFrame, "frame header check %#04x does not match its content (%#04x)", want, got)
		}
		typ := FrameType(t)
		records, decoded, payload := int64(v[0]), int64(v[1]), int64(v[2])
		if typ&Skippable == 0 && !typ.IsData() && typ != End {
			return nil, corrupt(start, ErrFrameType, "frame type %#02x is not known to this reader and not skippable", t)
		}
		// An index is read in small pieces and discarded, so it is allowed
		// the length writers may give it whatever the payload limit: a
		// reader that can hold the chunks can always pass the index.
		if payload > int64(z.lim.MaxPayload) && (typ != Index || payload > MaxIndexPayload) {
			return nil, corrupt(start, ErrLimit, "%v frame payload of %d bytes exceeds the limit of %d", typ, payload, z.lim.MaxPayload)
		}
		if typ.IsData() && decoded > int64(z.lim.MaxDecoded) {
			return nil, corrupt(start, ErrLimit, "%v frame of %d decoded bytes exceeds the limit of %d", typ, decoded, z.lim.MaxDecoded)
		}
		if err := checkFrame(z.hdr, typ, records, decoded, payload); err != nil {
			return nil, corrupt(start, ErrFrame, "%v", err)
		}

		switch {
		case typ == End:
			if err := z.discard(payload, nil, start); err != nil {
				return nil, err
			}
			t := z.totals
			if records != t.Records || decoded != t.Len || crc != t.CRC {
				return nil, corrupt(start, ErrChecksum,
					"end frame states %d records, %d bytes, CRC-32C %#08x; the frames hold %d records, %d bytes, CRC-32C %#08x",
					records, decoded, crc, t.Records, t.Len, t.CRC)
			}
			z.state = stateEnded
			z.frame = Frame{Type: End, Records: records, DecodedLen: decoded, CRC: crc, Offset: start}
			return &z.frame, nil

		case typ&Skippable != 0:
			var got uint32
			if err := z.discard(payload, &got, start); err != nil {
				return nil, err
			}
			if got != crc {
				return nil, corrupt(start, ErrChecksum, "skippable frame payload has CRC-32C %#08x, want %#08x", got, crc)
			}
			continue
		}

		// A data frame. Its sizes are bounded by the header's chunk size,
		// which ReadHeader held to MaxDecoded.
		if z.totals.Len > 1<<62-decoded {
			return nil, corrupt(start, ErrFrame, "archive content exceeds 2^62 bytes")
		}
		z.buf, err = z.fill(z.buf[:0], int(payload), "a frame payload", start)
		if err != nil {
			return nil, err
		}
		p, err := splitPayload(typ, z.buf)
		if err != nil {
			return nil, corrupt(start, ErrChecksum, "%v", err)
		}
		z.frame = Frame{Type: typ, Records: records, DecodedLen: decoded, CRC: crc, Payload: p, Offset: start}
		if !typ.IsCoded() {
			// The payload is the content: verify it here.
			if err := z.frame.Verify(z.buf); err != nil {
				return nil, err
			}
		}
		z.totals.Add(&z.frame)
		return &z.frame, nil
	}
}

// readByte reads one byte and counts it.
func (z *Reader) readByte() (byte, error) {
	c, err := z.br.ReadByte()
	if err == nil {
		z.off++
	}
	return c, err
}

// readFull fills p and counts it; a short input is an unexpected EOF in what.
func (z *Reader) readFull(p []byte, what string, start int64) error {
	n, err := io.ReadFull(z.br, p)
	z.off += int64(n)
	if err != nil {
		return z.eof(err, what, start)
	}
	return nil
}

// readUvarint copies the bytes of one uvarint into p (at least 9 bytes long)
// and returns how many there were. A uvarint longer than 9 bytes would be 2^63
// or more, which no field may hold.
func (z *Reader) readUvarint(p []byte, what string, start int64) (int, error) {
	for i := range 9 {
		c, err := z.readByte()
		if err != nil {
			return 0, z.eof(err, what, start)
		}
		p[i] = c
		if c < 0x80 {
			return i + 1, nil
		}
	}
	class := ErrFrame
	if z.state != stateFrames {
		class = ErrHeader
	}
	return 0, corrupt(z.off-9, class, "%s: uvarint longer than 9 bytes", what)
}

// fill appends n bytes of input to buf. When buf lacks the capacity it grows
// in steps of at most fillStep or its current length, so memory follows
// the bytes actually read rather than the size the input claims.
func (z *Reader) fill(buf []byte, n int, what string, start int64) ([]byte, error) {
	if cap(buf)-len(buf) >= n {
		m, err := io.ReadFull(z.br, buf[len(buf):len(buf)+n])
		z.off += int64(m)
		if err != nil {
			return nil, z.eof(err, what, start)
		}
		return buf[:len(buf)+n], nil
	}
	for n > 0 {
		step := min(n, max(len(buf), fillStep))
		if cap(buf)-len(buf) < step {
			nb := make([]byte, len(buf), len(buf)+step)
			copy(nb, buf)
			buf = nb
		}
		m, err := io.ReadFull(z.br, buf[len(buf):len(buf)+step])
		z.off += int64(m)
		if err != nil {
			return nil, z.eof(err, what, start)
		}
		buf = buf[:len(buf)+step]
		n -= step
	}
	return buf, nil
}

// discard skips n bytes of input in small pieces, updating *crc with them
// when crc is not nil.
func (z *Reader) discard(n int64, crc *uint32, start int64) error {
	if n > 0 && z.skip == nil {
		z.skip = make([]byte, 4<<10)
	}
	for n > 0 {
		p := z.skip[:min(n, int64(len(z.skip)))]
		if err := z.readFull(p, "a skipped payload", start); err != nil {
			return err
		}
		if crc != nil {
			*crc = UpdateChecksum(*crc, p)
		}
		n -= int64(len(p))
	}
	return nil
}

// eof turns an end of input inside a structure into a *CorruptInputError
// wrapping io.ErrUnexpectedEOF at the current offset; other read errors are
// returned as they are.
func (z *Reader) eof(err error, what string, start int64) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return corrupt(z.off, io.ErrUnexpectedEOF, "input ends inside %s that starts at offset %d", what, start)
	}
	return err
}
