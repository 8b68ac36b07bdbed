package format

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// testHeader returns a small valid header, with an embedded model if asked.
func testHeader(model bool) *Header {
	h := &Header{
		ModelName:    "mnist-bin",
		ModelHash:    sha256.Sum256([]byte("model")),
		RecordSize:   8,
		ChunkRecords: 4,
		Lanes:        2,
	}
	if model {
		h.Model = []byte("a model file")
	}
	return h
}

// fakeCode stands in for BB-ANS: a chunk's payload is its content XORed
// with 0x5A, which keeps the payload no longer than the content, as the
// format requires.
func fakeCode(p []byte) []byte {
	q := make([]byte, len(p))
	for i, c := range p {
		q[i] = c ^ 0x5A
	}
	return q
}

// generalZeros is how many zero bytes end the content of a general frame
// in these tests, which fakeGeneral drops: the stand-in for a codec that
// shrinks its input by as much as the payload's CRC trailer costs.
const generalZeros = payloadCheckLen

// generalContent returns n deterministic bytes that end in generalZeros zeros.
func generalContent(n int, seed uint64) []byte {
	c := content(n, seed)
	clear(c[n-generalZeros:])
	return c
}

// fakeGeneral stands in for a general-purpose codec: fakeCode without the
// final zeros.
func fakeGeneral(c []byte) []byte { return fakeCode(c[:len(c)-generalZeros]) }

// unfakeGeneral undoes fakeGeneral.
func unfakeGeneral(p []byte) []byte { return append(fakeCode(p), make([]byte, generalZeros)...) }

// content returns n deterministic bytes.
func content(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(r.Uint32())
	}
	return p
}

// testFrames returns frames of every data type, and the content they hold.
func testFrames(h *Header, seed uint64) ([]*Frame, []byte) {
	rs := h.RecordSize
	var all []byte
	var fs []*Frame
	add := func(t FrameType, records int, c []byte) {
		f := &Frame{Type: t, Records: int64(records), DecodedLen: int64(len(c)), CRC: Checksum(c), Payload: c}
		switch {
		case t.IsGeneral():
			f.Payload = fakeGeneral(c)
		case t.IsCoded():
			f.Payload = fakeCode(c)
		}
		fs = append(fs, f)
		all = append(all, c...)
	}
	add(Raw, 0, content(5, seed))                                         // e.g. a file header
	add(Chunk, h.ChunkRecords, content(h.ChunkBytes(), seed+1))           // a full chunk
	add(Stored, 2, content(2*rs, seed+2))                                 // a chunk coding did not pay for
	add(Chunk, 1, content(rs, seed+3))                                    // a short last chunk
	add(Zstd, 3*h.ChunkRecords, generalContent(3*h.ChunkBytes(), seed+5)) // records no model fits, gathered from 3 chunks
	add(Brotli, h.ChunkRecords, generalContent(h.ChunkBytes(), seed+6))   // the same, the other general codec
	add(Tail, 0, content(rs-1, seed+4))                                   // the bytes that do not fill a record
	return fs, all
}

// buildArchive writes one archive of header h and frames fs.
func buildArchive(t testing.TB, h *Header, fs []*Frame) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, h)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if err := w.WriteFrame(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// decodeAll does what the stream layer will do with a Reader: read every
// archive, decode chunks (here with fakeCode), verify each chunk's content
// and collect the content of all archives.
func decodeAll(data []byte, lim Limits) ([]byte, error) {
	r := NewReader(bytes.NewReader(data), lim)
	var out []byte
	for n := 0; ; n++ {
		_, err := r.ReadHeader()
		if err == io.EOF {
			if n == 0 {
				return nil, io.EOF
			}
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		for {
			f, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			switch f.Type {
			case Zstd, Brotli:
				d := unfakeGeneral(f.Payload)
				if err := f.Verify(d); err != nil {
					return nil, err
				}
				out = append(out, d...)
			case Chunk:
				d := fakeCode(f.Payload)
				if err := f.Verify(d); err != nil {
					return nil, err
				}
				out = append(out, d...)
			case End:
			default:
				out = append(out, f.Payload...)
			}
		}
	}
}

// rawHeader assembles a header from its parts with a valid checksum, for
// headers AppendHeader refuses to write.
func rawHeader(major, minor byte, body []byte) []byte {
	b := append([]byte(Magic), major, minor)
	b = binary.AppendUvarint(b, uint64(len(body)))
	b = append(b, body...)
	return binary.LittleEndian.AppendUint32(b, Checksum(b))
}

// headerBody returns the body AppendHeader writes for h.
func headerBody(t testing.TB, h *Header) []byte {
	t.Helper()
	b, err := AppendHeader(nil, h)
	if err != nil {
		t.Fatal(err)
	}
	_, n := binary.Uvarint(b[6:])
	return b[6+n : len(b)-4]
}

func TestHeaderRoundTrip(t *testing.T) {
	long := strings.Repeat("é", MaxNameLen/2)
	tests := []struct {
		name string
		h    Header
	}{
		{"minimal", Header{RecordSize: 1, ChunkRecords: 1, Lanes: 1}},
		{"mnist", *testHeader(false)},
		{"embedded", *testHeader(true)},
		{"longest name", Header{ModelName: long, RecordSize: 784, ChunkRecords: 1000, Lanes: 64}},
		{"largest fields", Header{ModelName: "x", RecordSize: MaxRecordSize, ChunkRecords: 2, Lanes: MaxLanes, Model: bytes.Repeat([]byte{7}, 300)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := AppendHeader([]byte("prefix"), &tt.h)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte("prefix")) {
				t.Fatal("AppendHeader lost dst")
			}
			b = b[len("prefix"):]
			var buf bytes.Buffer
			if err := WriteHeader(&buf, &tt.h); err != nil || !bytes.Equal(buf.Bytes(), b) {
				t.Fatalf("WriteHeader = %x, %v; AppendHeader = %x", buf.Bytes(), err, b)
			}
			r := NewReader(bytes.NewReader(b), Limits{})
			got, err := r.ReadHeader()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.h, *got); diff != "" {
				t.Errorf("header read back (-wrote +read):\n%s", diff)
			}
			if r.Offset() != int64(len(b)) {
				t.Errorf("Offset = %d after a header of %d bytes", r.Offset(), len(b))
			}
		})
	}
}

func TestHeaderRejected(t *testing.T) {
	ok := *testHeader(false)
	tests := []struct {
		name string
		edit func(*Header)
	}{
		{"name too long", func(h *Header) { h.ModelName = strings.Repeat("a", MaxNameLen+1) }},
		{"name not UTF-8", func(h *Header) { h.ModelName = "\xff" }},
		{"record size 0", func(h *Header) { h.RecordSize = 0 }},
		{"record size too big", func(h *Header) { h.RecordSize = MaxRecordSize + 1 }},
		{"chunk 0", func(h *Header) { h.ChunkRecords = 0 }},
		{"chunk too big", func(h *Header) { h.ChunkRecords = MaxChunkRecords + 1 }},
		{"chunk bytes too big", func(h *Header) { h.RecordSize, h.ChunkRecords = MaxRecordSize, 1<<8 }},
		{"lanes 0", func(h *Header) { h.Lanes = 0 }},
		{"lanes too many", func(h *Header) { h.Lanes = MaxLanes + 1 }},
		{"empty model", func(h *Header) { h.Model = []byte{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := ok
			tt.edit(&h)
			if b, err := AppendHeader(nil, &h); err == nil {
				t.Errorf("AppendHeader accepted %+v: %x", h, b)
			}
		})
	}
}

func TestFrameRoundTrip(t *testing.T) {
	for _, model := range []bool{false, true} {
		h := testHeader(model)
		fs, want := testFrames(h, 1)
		// A skippable frame from some later minor version, in the middle.
		skip := &Frame{Type: Skippable | 0x11, Payload: []byte("metadata"), CRC: Checksum([]byte("metadata"))}
		withSkip := append(append(append([]*Frame{}, fs[:2]...), skip), fs[2:]...)
		data := buildArchive(t, h, withSkip)

		r := NewReader(bytes.NewReader(data), Limits{})
		gh, err := r.ReadHeader()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(h, gh); diff != "" {
			t.Errorf("header (-want +got):\n%s", diff)
		}
		var tot Totals
		for i, wf := range fs {
			f, err := r.Next()
			if err != nil {
				t.Fatalf("frame %d: %v", i, err)
			}
			// Offset is set by the reader alone.
			if diff := cmp.Diff(wf, f, cmpopts.IgnoreFields(Frame{}, "Offset")); diff != "" {
				t.Errorf("frame %d (-want +got):\n%s", i, diff)
			}
			tot.Add(f)
		}
		end, err := r.Next()
		if err != nil || end.Type != End {
			t.Fatalf("end frame: %v, %v", end, err)
		}
		if tot.Len != int64(len(want)) || tot.CRC != Checksum(want) {
			t.Errorf("frames add up to %+v; content %d bytes CRC %#x", tot, len(want), Checksum(want))
		}
		if diff := cmp.Diff(Totals{Records: end.Records, Len: end.DecodedLen, CRC: end.CRC}, tot); diff != "" {
			t.Errorf("end frame against the frames' totals (-end +frames):\n%s", diff)
		}
		if f, err := r.Next(); err != io.EOF {
			t.Errorf("Next after end = %v, %v; want io.EOF", f, err)
		}
		if _, err := r.ReadHeader(); err != io.EOF {
			t.Errorf("ReadHeader at end of input = %v; want io.EOF", err)
		}
		if r.Offset() != int64(len(data)) {
			t.Errorf("Offset %d, archive %d bytes", r.Offset(), len(data))
		}
		got, err := decodeAll(data, Limits{})
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("decodeAll = %d bytes, %v; want %d bytes", len(got), err, len(want))
		}
	}
}

func TestEmptyArchive(t *testing.T) {
	data := buildArchive(t, testHeader(false), nil)
	got, err := decodeAll(data, Limits{})
	if err != nil || len(got) != 0 {
		t.Errorf("decodeAll(empty archive) = %x, %v", got, err)
	}
	if _, err := decodeAll(nil, Limits{}); err != io.EOF {
		t.Errorf("decodeAll(no input) = %v, want io.EOF", err)
	}
}

func TestAppendFrameRejects(t *testing.T) {
	h := testHeader(false)
	rs := h.RecordSize
	mk := func(t FrameType, records int, decoded int, payload []byte) *Frame {
		c := payload
		if t.IsCoded() {
			c = nil
		}
		return &Frame{Type: t, Records: int64(records), DecodedLen: int64(decoded), Payload: payload, CRC: Checksum(c)}
	}
	tests := []struct {
		name string
		f    *Frame
	}{
		{"end", &Frame{Type: End}},
		{"unknown mandatory", mk(0x07, 0, 3, make([]byte, 3))},
		{"chunk no records", mk(Chunk, 0, 0, []byte{1})},
		{"chunk too many records", mk(Chunk, h.ChunkRecords+1, (h.ChunkRecords+1)*rs, []byte{1})},
		{"chunk wrong length", mk(Chunk, 1, rs+1, []byte{1})},
		{"chunk empty payload", mk(Chunk, 1, rs, nil)},
		{"chunk payload longer than content", mk(Chunk, 1, rs, make([]byte, rs+1))},
		{"zstd no records", mk(Zstd, 0, 0, []byte{1})},
		{"zstd too many records", mk(Zstd, GeneralChunks*h.ChunkRecords+1, (GeneralChunks*h.ChunkRecords+1)*rs, []byte{1})},
		{"stored with a general frame's records", mk(Stored, h.ChunkRecords+1, (h.ChunkRecords+1)*rs, make([]byte, (h.ChunkRecords+1)*rs))},
		{"zstd wrong length", mk(Zstd, 1, rs-1, []byte{1})},
		{"zstd empty payload", mk(Zstd, 1, rs, nil)},
		{"brotli payload longer than content", mk(Brotli, 1, rs, make([]byte, rs+1))},
		{"brotli partial record", mk(Brotli, 0, rs/2, []byte{1})},
		{"stored short payload", mk(Stored, 1, rs, make([]byte, rs-1))},
		{"stored bad CRC", &Frame{Type: Stored, Records: 1, DecodedLen: int64(rs), Payload: make([]byte, rs), CRC: 1}},
		{"tail full record", mk(Tail, 0, rs, make([]byte, rs))},
		{"tail empty", mk(Tail, 0, 0, nil)},
		{"tail with records", mk(Tail, 1, 1, make([]byte, 1))},
		{"raw larger than a chunk", mk(Raw, 0, h.ChunkBytes()+1, make([]byte, h.ChunkBytes()+1))},
		{"raw empty", mk(Raw, 0, 0, nil)},
		{"skippable with content", mk(Skippable|1, 0, 1, []byte{1})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if b, err := AppendFrame(nil, h, tt.f); err == nil {
				t.Errorf("AppendFrame accepted %+v: %x", tt.f, b)
			}
			if b, err := AppendFrameHeader(nil, h, tt.f); err == nil {
				t.Errorf("AppendFrameHeader accepted %+v: %x", tt.f, b)
			}
		})
	}
}

// TestAppendFrameHeader checks that a frame's header followed by its
// payload is what AppendFrame writes, for the types it takes, and that it
// refuses the general frames (whose payload has a trailer).
func TestAppendFrameHeader(t *testing.T) {
	h := testHeader(false)
	c := make([]byte, 2*h.RecordSize)
	c[3] = 7
	for _, f := range []*Frame{
		{Type: Stored, Records: 2, DecodedLen: int64(len(c)), CRC: Checksum(c), Payload: c},
		{Type: Chunk, Records: 2, DecodedLen: int64(len(c)), CRC: Checksum(c), Payload: []byte{1, 2, 3}},
		{Type: Tail, DecodedLen: 1, CRC: Checksum(c[:1]), Payload: c[:1]},
	} {
		whole, err := AppendFrame(nil, h, f)
		if err != nil {
			t.Fatal(err)
		}
		head, err := AppendFrameHeader(nil, h, f)
		if err != nil {
			t.Fatal(err)
		}
		if got := append(head, f.Payload...); !bytes.Equal(got, whole) {
			t.Errorf("%v: header and payload %x, AppendFrame %x", f.Type, got, whole)
		}
	}
	if _, err := AppendFrameHeader(nil, h, &Frame{Type: Zstd, Records: 2, DecodedLen: int64(len(c)), CRC: Checksum(c), Payload: []byte{1}}); err == nil {
		t.Error("AppendFrameHeader took a zstd frame")
	}
}

func TestConcatenated(t *testing.T) {
	h1, h2 := testHeader(false), testHeader(true)
	h2.ModelName, h2.RecordSize = "other", 3
	f1, c1 := testFrames(h1, 10)
	f2, c2 := testFrames(h2, 20)
	a1, a2 := buildArchive(t, h1, f1), buildArchive(t, h2, f2)
	data := append(append(append([]byte{}, a1...), a2...), a1...)
	want := append(append(append([]byte{}, c1...), c2...), c1...)

	r := NewReader(bytes.NewReader(data), Limits{})
	var names []string
	for {
		h, err := r.ReadHeader()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.ModelName)
		for {
			if _, err := r.Next(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
	}
	if strings.Join(names, ",") != "mnist-bin,other,mnist-bin" {
		t.Errorf("archives %v", names)
	}
	got, err := decodeAll(data, Limits{})
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("decodeAll = %d bytes, %v; want %d bytes", len(got), err, len(want))
	}

	// What may follow an end frame: another archive, or nothing.
	tests := []struct {
		name  string
		after []byte
		class error
	}{
		{"garbage", []byte("hello"), ErrHeader},
		{"zero padding", make([]byte, 512), ErrHeader},
		{"partial magic", []byte(Magic[:2]), io.ErrUnexpectedEOF},
		{"header only", a2[:60], io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := append(append([]byte{}, a1...), tt.after...)
			_, err := decodeAll(d, Limits{})
			var ce *CorruptInputError
			if !errors.Is(err, tt.class) || !errors.As(err, &ce) {
				t.Fatalf("error %v, want %v", err, tt.class)
			}
			if tt.class == ErrHeader && ce.Offset != int64(len(a1)) {
				t.Errorf("offset %d, want %d", ce.Offset, len(a1))
			}
		})
	}
}

// smallArchive is a small archive holding every frame type, with an
// embedded model: the subject of the damage tests.
func smallArchive(t testing.TB) ([]byte, []byte) {
	h := testHeader(true)
	h.RecordSize, h.ChunkRecords = 3, 2
	fs, want := testFrames(h, 7)
	return buildArchive(t, h, fs), want
}

func TestTruncation(t *testing.T) {
	data, _ := smallArchive(t)
	for n := range len(data) {
		_, err := decodeAll(data[:n], Limits{})
		if n == 0 {
			if err != io.EOF {
				t.Errorf("empty input: %v, want io.EOF", err)
			}
			continue
		}
		var ce *CorruptInputError
		if !errors.Is(err, io.ErrUnexpectedEOF) || !errors.As(err, &ce) {
			t.Errorf("cut at %d: %v, want an unexpected EOF", n, err)
			continue
		}
		if ce.Offset != int64(n) {
			t.Errorf("cut at %d: error at offset %d: %v", n, ce.Offset, err)
		}
	}
	t.Logf("%d truncations of a %d-byte archive", len(data), len(data))
}

func TestBitFlips(t *testing.T) {
	data, want := smallArchive(t)
	if got, err := decodeAll(data, Limits{}); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("undamaged archive: %v", err)
	}
	classes := map[error]int{}
	for i := range len(data) * 8 {
		d := bytes.Clone(data)
		d[i/8] ^= 1 << (i % 8)
		got, err := decodeAll(d, Limits{})
		if err == nil {
			t.Errorf("bit %d of byte %d flipped: no error, content equal: %v", i%8, i/8, bytes.Equal(got, want))
			continue
		}
		var ce *CorruptInputError
		if !errors.As(err, &ce) {
			t.Errorf("byte %d bit %d: error %v is not a CorruptInputError", i/8, i%8, err)
			continue
		}
		if ce.Offset < 0 || ce.Offset > int64(len(d)) {
			t.Errorf("byte %d bit %d: offset %d out of range", i/8, i%8, ce.Offset)
		}
		classes[ce.Err]++
	}
	t.Logf("%d bit flips of a %d-byte archive: %v", len(data)*8, len(data), classes)
}

// frameBytes returns a frame header with a valid check, and no payload.
func frameBytes(t FrameType, records, decoded, payload int64, crc uint32) []byte {
	return appendFrameHeader(nil, t, records, decoded, payload, crc)
}

func TestDamagedFields(t *testing.T) {
	h := testHeader(false)
	body := headerBody(t, h)
	hdr := rawHeader(1, 0, body)
	big := testHeader(false)
	big.RecordSize, big.ChunkRecords = 1<<20, 1<<10 // a 1 GiB chunk
	tests := []struct {
		name  string
		data  []byte
		class error
	}{
		{"bad magic", []byte("\xBBanx\x01\x00"), ErrHeader},
		{"gzip", []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0}, ErrHeader},
		{"major 0", rawHeader(0, 0, body), ErrHeader},
		{"major 2", rawHeader(2, 0, body), ErrVersion},
		{"unknown flag", rawHeader(1, 0, append([]byte{0x08}, body[1:]...)), ErrVersion},
		{"no-model flag with embedded model", rawHeader(1, 0, append([]byte{flagModel | flagNoModel}, body[1:]...)), ErrHeader},
		{"short body", rawHeader(1, 0, body[:30]), ErrHeader},
		{"body ends in fields", rawHeader(1, 0, body[:len(body)-1]), ErrHeader},
		{"record size 0", rawHeader(1, 0, append(bytes.Clone(body[:len(body)-3]), 0, 4, 2)), ErrHeader},
		{"non-minimal uvarint", rawHeader(1, 0, append(bytes.Clone(body[:len(body)-3]), 0x88, 0x00, 4, 2)), ErrHeader},
		{"chunk over MaxDecoded", rawHeader(1, 0, headerBody(t, big)), ErrLimit},
		{"model flag, no model", rawHeader(1, 0, append([]byte{flagModel}, body[1:]...)), ErrHeader},
		{"unknown mandatory frame", append(bytes.Clone(hdr), frameBytes(0x07, 0, 1, 1, 0)...), ErrFrameType},
		{"bad frame check", append(bytes.Clone(hdr), 1, 1, 8, 8, 0, 0, 0, 0, 0, 0), ErrFrame},
		{"frame breaks rules", append(bytes.Clone(hdr), frameBytes(Stored, 1, 8, 7, 0)...), ErrFrame},
		{"frame uvarint too long", append(bytes.Clone(hdr), 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), ErrFrame},
		{"end totals wrong", append(bytes.Clone(hdr), AppendEnd(nil, Totals{Records: 1})...), ErrChecksum},
		{"stored content wrong", append(append(bytes.Clone(hdr), frameBytes(Stored, 1, 8, 8, 0)...), make([]byte, 8)...), ErrChecksum},
		{"skippable content wrong", append(append(bytes.Clone(hdr), frameBytes(Skippable, 0, 0, 2, 0)...), 1, 2), ErrChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeAll(tt.data, Limits{})
			var ce *CorruptInputError
			if !errors.Is(err, tt.class) || !errors.As(err, &ce) {
				t.Fatalf("error %v, want %v", err, tt.class)
			}
			t.Log(err)
		})
	}
}

func TestFutureMinorVersion(t *testing.T) {
	// A 1.7 archive: trailing header fields, a skippable frame and an end
	// frame with a payload. A 1.0 reader reads its content.
	h := testHeader(false)
	c := content(h.RecordSize, 3)
	b := rawHeader(1, 7, append(bytes.Clone(headerBody(t, h)), "new fields"...))
	b = append(b, frameBytes(Skippable|0x3f, 0, 0, 3, Checksum([]byte("abc")))...)
	b = append(b, "abc"...)
	b, _ = AppendFrame(b, h, &Frame{Type: Stored, Records: 1, DecodedLen: int64(len(c)), CRC: Checksum(c), Payload: c})
	b = append(b, frameBytes(End, 1, int64(len(c)), 4, Checksum(c))...)
	b = append(b, "more"...)
	r := NewReader(bytes.NewReader(b), Limits{})
	gh, err := r.ReadHeader()
	if err != nil || gh.Minor != 7 {
		t.Fatalf("ReadHeader = %+v, %v", gh, err)
	}
	got, err := decodeAll(b, Limits{})
	if err != nil || !bytes.Equal(got, c) {
		t.Errorf("decodeAll = %x, %v; want %x", got, err, c)
	}
}

// allocBytes returns the bytes allocated by f.
func allocBytes(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

func TestHugeClaims(t *testing.T) {
	h := testHeader(false)
	hdr := rawHeader(1, 0, headerBody(t, h))
	wide := testHeader(false)
	wide.RecordSize, wide.ChunkRecords = 1<<20, 60 // 60 MiB chunks: within the default limits
	wideHdr := rawHeader(1, 0, headerBody(t, wide))
	huge := binary.AppendUvarint([]byte(Magic+"\x01\x00"), 1<<62)

	tests := []struct {
		name  string
		data  []byte
		class error
	}{
		{"header length 2^62", huge, ErrLimit},
		{"header length 60 MiB, short input", binary.AppendUvarint([]byte(Magic+"\x01\x00"), 60<<20), io.ErrUnexpectedEOF},
		{"model 1 GiB", rawHeader(1, 0, binary.AppendUvarint(append([]byte{flagModel}, headerBody(t, h)[1:]...), 1<<30)), ErrLimit},
		{"payload 2^62", append(bytes.Clone(hdr), frameBytes(Skippable, 0, 0, 1<<62, 0)...), ErrLimit},
		{"end payload 2^40", append(bytes.Clone(hdr), frameBytes(End, 0, 0, 1<<40, 0)...), ErrLimit},
		{"raw frame 2^40", append(bytes.Clone(hdr), frameBytes(Raw, 0, 1<<40, 1<<40, 0)...), ErrLimit},
		{"raw frame 60 MiB, short input", append(bytes.Clone(wideHdr), frameBytes(Raw, 0, 60<<20, 60<<20, 0)...), io.ErrUnexpectedEOF},
		{"stored chunk 60 MiB, short input", append(bytes.Clone(wideHdr), frameBytes(Stored, 60, 60<<20, 60<<20, 0)...), io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			n := allocBytes(func() { _, err = decodeAll(tt.data, Limits{}) })
			if !errors.Is(err, tt.class) {
				t.Fatalf("error %v, want %v", err, tt.class)
			}
			// The bufio buffer and the first fill step, not the claim.
			if n > 1<<20 {
				t.Errorf("allocated %d bytes for a %d-byte input", n, len(tt.data))
			}
		})
	}
}

func TestLimits(t *testing.T) {
	h := testHeader(true)
	h.Model = make([]byte, 1000)
	data := buildArchive(t, h, []*Frame{{Type: Raw, DecodedLen: 30, Payload: make([]byte, 30), CRC: Checksum(make([]byte, 30))}})
	tests := []struct {
		name string
		lim  Limits
		ok   bool
	}{
		{"defaults", Limits{}, true},
		{"exact", Limits{MaxModel: 1000, MaxHeader: 1100, MaxPayload: 32, MaxDecoded: 32}, true},
		{"model", Limits{MaxModel: 999}, false},
		{"header", Limits{MaxHeader: 999}, false},
		{"payload", Limits{MaxPayload: 29}, false},
		{"decoded per frame", Limits{MaxDecoded: 31}, false}, // chunk of 4 x 8 bytes
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeAll(data, tt.lim)
			if tt.ok && err != nil || !tt.ok && !errors.Is(err, ErrLimit) {
				t.Errorf("error %v", err)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	c := []byte("some records")
	f := &Frame{Type: Chunk, DecodedLen: int64(len(c)), CRC: Checksum(c), Offset: 99}
	if err := f.Verify(c); err != nil {
		t.Fatal(err)
	}
	for _, d := range [][]byte{c[1:], append(bytes.Clone(c), 0), []byte("some recordz")} {
		err := f.Verify(d)
		var ce *CorruptInputError
		if !errors.Is(err, ErrChecksum) || !errors.As(err, &ce) || ce.Offset != 99 {
			t.Errorf("Verify(%q) = %v", d, err)
		}
	}
}

func TestCombineChecksum(t *testing.T) {
	p := content(5000, 1)
	r := rand.New(rand.NewPCG(2, 2))
	for range 200 {
		i := r.IntN(len(p) + 1)
		a, b := p[:i], p[i:]
		if got, want := CombineChecksum(Checksum(a), Checksum(b), int64(len(b))), Checksum(p); got != want {
			t.Fatalf("split at %d: %#x, want %#x", i, got, want)
		}
	}
	// Lengths beyond 2^32 bytes, checked against the zero-length identity:
	// the CRC of n zero bytes appended twice equals appending 2n at once.
	z := Checksum(nil)
	for _, n := range []int64{1 << 29, 1 << 33, 1<<40 + 12345, 1 << 61} {
		once := CombineChecksum(CombineChecksum(0x12345678, z, n), z, n)
		twice := CombineChecksum(0x12345678, z, 2*n)
		if once != twice {
			t.Errorf("n=%d: %#x != %#x", n, once, twice)
		}
	}
	// UpdateChecksum agrees with Checksum.
	if UpdateChecksum(Checksum(p[:10]), p[10:]) != Checksum(p) {
		t.Error("UpdateChecksum")
	}
}

func TestReaderMisuse(t *testing.T) {
	data, _ := smallArchive(t)
	r := NewReader(bytes.NewReader(data), Limits{})
	if _, err := r.Next(); err == nil {
		t.Error("Next before ReadHeader succeeded")
	}
	if _, err := r.ReadHeader(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ReadHeader(); err == nil {
		t.Error("ReadHeader inside an archive succeeded")
	}
	if _, err := r.Next(); err != nil {
		t.Errorf("Next after misuse: %v", err)
	}
	// Reset reuses the Reader.
	r.Reset(bytes.NewReader(data))
	if _, err := r.ReadHeader(); err != nil || r.Offset() == 0 {
		t.Errorf("after Reset: %v", err)
	}
}

func TestErrorsSticky(t *testing.T) {
	data, _ := smallArchive(t)
	r := NewReader(bytes.NewReader(data[:len(data)-3]), Limits{})
	r.ReadHeader()
	var first error
	for first == nil {
		_, first = r.Next()
	}
	if _, err := r.Next(); err != first {
		t.Errorf("second error %v, first %v", err, first)
	}
	if _, err := r.ReadHeader(); err != first {
		t.Errorf("ReadHeader after error: %v", err)
	}
}

func TestModelUnavailableError(t *testing.T) {
	var err error = &ModelUnavailableError{Name: "mnist", Hash: [32]byte{0xab}}
	if s := err.Error(); !strings.Contains(s, `"mnist"`) || !strings.Contains(s, "ab000000") {
		t.Errorf("message %q", s)
	}
	var me *ModelUnavailableError
	if !errors.As(wrapInCorrupt(err), &me) || me.Name != "mnist" {
		t.Error("errors.As")
	}
}

func wrapInCorrupt(err error) error { return &CorruptInputError{Err: err} }

func TestOverhead(t *testing.T) {
	h := &Header{ModelName: "mnist-bin", RecordSize: 784, ChunkRecords: 1000, Lanes: 16}
	hb, _ := AppendHeader(nil, h)
	c := make([]byte, 1000*784)
	fb, _ := AppendFrame(nil, h, &Frame{Type: Chunk, Records: 1000, DecodedLen: int64(len(c)), CRC: Checksum(c), Payload: make([]byte, 20000)})
	eb := AppendEnd(nil, Totals{Records: 10000, Len: 7840000})
	t.Logf("header %d bytes (name %d), chunk frame header %d bytes, end frame %d bytes", len(hb), len(h.ModelName), len(fb)-20000, len(eb))
}

// TestNoModelHeader covers archives that name no model: their header is
// 33+ bytes shorter, they round-trip, and a chunk frame in them is refused.
func TestNoModelHeader(t *testing.T) {
	h := &Header{NoModel: true, RecordSize: 784, ChunkRecords: 1000, Lanes: 1}
	b, err := AppendHeader(nil, h)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 20 {
		t.Errorf("model-free header is %d bytes, want <= 20", len(b))
	}
	content := []byte("hello")
	b, err = AppendFrame(b, h, &Frame{Type: Tail, DecodedLen: 5, CRC: Checksum(content), Payload: content})
	if err != nil {
		t.Fatal(err)
	}
	b = AppendEnd(b, Totals{Len: 5, CRC: Checksum(content)})
	got, err := decodeAll(b, Limits{})
	if err != nil || string(got) != "hello" {
		t.Fatalf("model-free archive: %q, %v", got, err)
	}
	if _, err := AppendFrame(nil, h, &Frame{Type: Chunk, Records: 1, DecodedLen: 784, Payload: []byte{1}}); err == nil {
		t.Error("chunk frame accepted in a model-free archive")
	}
	// A general-purpose codec needs no model: text goes into archives
	// without one.
	for _, ft := range []FrameType{Zstd, Brotli} {
		if _, err := AppendFrame(nil, h, &Frame{Type: ft, Records: 1, DecodedLen: 784, Payload: []byte{1}}); err != nil {
			t.Errorf("%v frame refused in a model-free archive: %v", ft, err)
		}
	}
	bad := &Header{NoModel: true, ModelName: "x", RecordSize: 1, ChunkRecords: 1, Lanes: 1}
	if _, err := AppendHeader(nil, bad); err == nil {
		t.Error("model-free header with a model name accepted")
	}
	hr := NewReader(bytes.NewReader(b), Limits{})
	rh, err := hr.ReadHeader()
	if err != nil || !rh.NoModel || rh.ModelName != "" {
		t.Fatalf("read back: %+v, %v", rh, err)
	}
}
