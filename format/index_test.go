package format

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// buildIndexed writes one archive of header h and frames fs, ending in an
// index frame; edit, if not nil, changes the index before it is written
// (a lying index, with a valid CRC).
func buildIndexed(t testing.TB, h *Header, fs []*Frame, edit func(*ArchiveIndex)) []byte {
	t.Helper()
	b, err := AppendHeader(nil, h)
	if err != nil {
		t.Fatal(err)
	}
	x := &ArchiveIndex{HeaderLen: int64(len(b))}
	var tot Totals
	for _, f := range fs {
		n := len(b)
		if b, err = AppendFrame(b, h, f); err != nil {
			t.Fatal(err)
		}
		e := IndexEntry{Len: int64(len(b) - n), CRC: f.CRC}
		if f.Type.IsData() {
			e.Records, e.DecodedLen = f.Records, f.DecodedLen
		}
		x.Frames = append(x.Frames, e)
		tot.Add(f)
	}
	if edit != nil {
		edit(x)
	}
	b = AppendIndexFrame(b, x)
	return AppendEnd(b, tot)
}

// decodeAt reads data as random access does: the members, then every data
// frame through ReadFrameAt, decoded with fakeCode (fakeGeneral's inverse
// for general frames) and verified.
func decodeAt(data []byte, lim Limits) ([]byte, []Member, error) {
	r := bytes.NewReader(data)
	ms, err := ReadMembers(r, int64(len(data)), lim, 1<<20)
	if err != nil {
		return nil, nil, err
	}
	var out []byte
	for _, m := range ms {
		for _, ref := range m.Frames {
			if ref.DecodedLen == 0 {
				continue
			}
			f, err := ReadFrameAt(r, int64(len(data)), ref, m.Header, lim, nil)
			if err != nil {
				return nil, ms, err
			}
			d := f.Payload
			switch {
			case f.Type == Chunk:
				d = fakeCode(d)
			case f.Type.IsGeneral():
				d = unfakeGeneral(d)
			}
			if err := f.Verify(d); err != nil {
				return nil, ms, err
			}
			out = append(out, d...)
		}
	}
	return out, ms, nil
}

func TestIndexRoundTrip(t *testing.T) {
	h := testHeader(false)
	fs, want := testFrames(h, 1)
	skip := &Frame{Type: Skippable | 0x11, Payload: []byte("metadata"), CRC: Checksum([]byte("metadata"))}
	withSkip := append([]*Frame{fs[0], skip}, fs[1:]...)
	indexed := buildIndexed(t, h, withSkip, nil)
	plain := buildArchive(t, h, fs)
	hm := testHeader(true)
	fs2, want2 := testFrames(hm, 7)
	indexed2 := buildIndexed(t, hm, fs2, nil)
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	for _, c := range []struct {
		name    string
		data    []byte
		want    []byte
		indexed []bool
	}{
		{"indexed", indexed, want, []bool{true}},
		{"plain", plain, want, []bool{false}},
		{"indexed+indexed", cat(indexed, indexed2), cat(want, want2), []bool{true, true}},
		{"plain+indexed", cat(plain, indexed2), cat(want, want2), []bool{false, true}},
		{"indexed+plain", cat(indexed2, plain), cat(want2, want), []bool{false, false}},
		{"indexed+plain+indexed", cat(indexed, plain, indexed2), cat(want, want, want2), []bool{false, false, true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			seq, err := decodeAll(c.data, Limits{})
			if err != nil || !bytes.Equal(seq, c.want) {
				t.Fatalf("sequential reader: %v", err)
			}
			got, ms, err := decodeAt(c.data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, c.want) {
				t.Fatal("random access gives different content")
			}
			if len(ms) != len(c.indexed) {
				t.Fatalf("%d members, want %d", len(ms), len(c.indexed))
			}
			for i, m := range ms {
				if (m.IndexLen > 0) != c.indexed[i] {
					t.Errorf("member %d: read through an index %v, want %v", i, m.IndexLen > 0, c.indexed[i])
				}
				if diff := cmp.Diff(Totals{Records: m.End.Records, Len: m.End.DecodedLen, CRC: m.End.CRC}, m.Totals()); diff != "" {
					t.Errorf("member %d: end frame against the frames' totals (-end +frames):\n%s", i, diff)
				}
			}
			checkAgainstWalk(t, c.data, ms)
		})
	}
}

// checkAgainstWalk compares the members with what a Reader finds walking
// data from the start: the same archives, the same data frames at the same
// offsets stating the same fields, as far as the Reader gets.
func checkAgainstWalk(t *testing.T, data []byte, ms []Member) {
	t.Helper()
	r := NewReader(bytes.NewReader(data), fuzzLimits)
	for i := 0; ; i++ {
		start := r.Offset()
		h, err := r.ReadHeader()
		if err != nil {
			if err == io.EOF && i != len(ms) {
				t.Fatalf("the Reader finds %d archives, ReadMembers %d", i, len(ms))
			}
			return
		}
		if i >= len(ms) {
			t.Fatalf("the Reader finds more than the %d archives of ReadMembers", len(ms))
		}
		m := ms[i]
		if m.Offset != start || m.HeaderLen != r.Offset()-start || m.Header.ChunkRecords != h.ChunkRecords || m.Header.RecordSize != h.RecordSize {
			t.Fatalf("archive %d: ReadMembers places it at %d (header %d bytes), the Reader at %d (%d)", i, m.Offset, m.HeaderLen, start, r.Offset()-start)
		}
		var data []FrameRef
		for _, f := range m.Frames {
			if f.DecodedLen > 0 {
				data = append(data, f)
			}
		}
		k := 0
		for {
			f, err := r.Next()
			if err != nil {
				return
			}
			if f.Type == End {
				if f.Offset != m.End.Offset || k != len(data) {
					t.Fatalf("archive %d: end frame at %d after %d data frames; ReadMembers: %d after %d", i, f.Offset, k, m.End.Offset, len(data))
				}
				continue
			}
			if k >= len(data) {
				t.Fatalf("archive %d: ReadMembers lists %d data frames, the Reader finds more", i, len(data))
			}
			want := FrameRef{Offset: f.Offset, IndexEntry: IndexEntry{Len: r.Offset() - f.Offset, Records: f.Records, DecodedLen: f.DecodedLen, CRC: f.CRC}}
			if diff := cmp.Diff(want, data[k]); diff != "" {
				t.Fatalf("archive %d, data frame %d (-Reader +ReadMembers):\n%s", i, k, diff)
			}
			k++
		}
	}
}

// TestLyingIndex writes indexes that disagree with their archive, each
// with a valid CRC: every one must be an error, from ReadMembers or when
// the frame it misplaces is read, never different content.
func TestLyingIndex(t *testing.T) {
	h := testHeader(false)
	fs, _ := testFrames(h, 3)
	edits := map[string]func(x *ArchiveIndex){
		"offset past the end":  func(x *ArchiveIndex) { x.Frames[len(x.Frames)-1].Len += 1 << 20 },
		"overlapping frames":   func(x *ArchiveIndex) { x.Frames[1].Len -= 3; x.Frames[2].Len += 3 },
		"gap between frames":   func(x *ArchiveIndex) { x.Frames[1].Len += 3; x.Frames[2].Len -= 3 },
		"wrong record count":   func(x *ArchiveIndex) { x.Frames[2].Records--; x.Frames[2].DecodedLen -= int64(h.RecordSize) },
		"records moved":        func(x *ArchiveIndex) { x.Frames[1].Records--; x.Frames[2].Records++ },
		"decoded length moved": func(x *ArchiveIndex) { x.Frames[0].DecodedLen++; x.Frames[4].DecodedLen-- },
		"wrong crc":            func(x *ArchiveIndex) { x.Frames[3].CRC ^= 1 },
		"frame dropped": func(x *ArchiveIndex) {
			x.Frames[2].Len += x.Frames[3].Len
			x.Frames = append(x.Frames[:3], x.Frames[4:]...)
		},
		"frames swapped":           func(x *ArchiveIndex) { x.Frames[1], x.Frames[3] = x.Frames[3], x.Frames[1] },
		"header length":            func(x *ArchiveIndex) { x.HeaderLen++ },
		"header length short":      func(x *ArchiveIndex) { x.HeaderLen--; x.Frames[0].Len++ },
		"records past chunk size":  func(x *ArchiveIndex) { x.Frames[1].Records = int64(h.ChunkRecords + 1) },
		"data frame as skippable":  func(x *ArchiveIndex) { x.Frames[4].DecodedLen, x.Frames[4].Records = 0, 0 },
		"everything before offset": func(x *ArchiveIndex) { x.HeaderLen += 1 << 30 },
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			a := buildIndexed(t, h, fs, edit)
			got, _, err := decodeAt(a, Limits{})
			if err == nil {
				t.Fatalf("a lying index gave %d bytes of content and no error", len(got))
			}
			var ce *CorruptInputError
			if !errors.As(err, &ce) || ce.Offset < 0 || ce.Offset > int64(len(a)) {
				t.Fatalf("error %v is not a corrupt-input error inside the archive", err)
			}
			t.Log(err)
		})
	}
}

// TestDamagedIndex flips every bit of an index frame and its footer: each
// must be an error or, where the damage hides the index (the magic), the
// content read by walking, never other content.
func TestDamagedIndex(t *testing.T) {
	h := testHeader(false)
	fs, want := testFrames(h, 4)
	a := buildIndexed(t, h, fs, nil)
	ms, err := ReadMembers(bytes.NewReader(a), int64(len(a)), Limits{}, 100)
	if err != nil || ms[0].IndexLen == 0 {
		t.Fatalf("undamaged: %v", err)
	}
	lo, hi := ms[0].IndexOffset, ms[0].IndexOffset+ms[0].IndexLen
	for i := lo; i < hi; i++ {
		for bit := range 8 {
			b := bytes.Clone(a)
			b[i] ^= 1 << bit
			got, _, err := decodeAt(b, Limits{})
			if err == nil && !bytes.Equal(got, want) {
				t.Fatalf("bit %d of byte %d: different content and no error", bit, i)
			}
		}
	}
}

func TestIndexLimits(t *testing.T) {
	h := testHeader(false)
	fs, _ := testFrames(h, 5)
	a := buildIndexed(t, h, fs, nil)
	if _, err := ReadMembers(bytes.NewReader(a), int64(len(a)), Limits{}, 3); !errors.Is(err, ErrLimit) {
		t.Errorf("5 frames with a bound of 3: %v, want ErrLimit", err)
	}
	plain := buildArchive(t, h, fs)
	if _, err := ReadMembers(bytes.NewReader(plain), int64(len(plain)), Limits{}, 3); !errors.Is(err, ErrLimit) {
		t.Errorf("5 walked frames with a bound of 3: %v, want ErrLimit", err)
	}
	// An index whose footer claims a huge frame is refused before the
	// allocation.
	b := bytes.Clone(a)
	k := bytes.LastIndex(b, []byte(indexMagic))
	binary.LittleEndian.PutUint32(b[k-4:], 1<<31)
	if n := allocBytes(func() { _, err := ReadMembers(bytes.NewReader(b), int64(len(b)), Limits{}, 100); _ = err }); n > 1<<20 {
		t.Errorf("a footer claiming 2 GiB allocated %d bytes", n)
	}
	if _, err := ReadMembers(bytes.NewReader(b), int64(len(b)), Limits{}, 100); !errors.Is(err, ErrLimit) {
		t.Errorf("footer claiming 2 GiB: %v, want ErrLimit", err)
	}
}

func TestIndexTruncated(t *testing.T) {
	h := testHeader(false)
	fs, _ := testFrames(h, 6)
	a := buildIndexed(t, h, fs, nil)
	for n := range len(a) {
		if _, _, err := decodeAt(a[:n], Limits{}); err == nil {
			t.Fatalf("archive cut to %d of %d bytes read without error", n, len(a))
		}
	}
}

// TestIndexLookalike ends an archive without an index in content that looks
// like an index footer: random access must walk it, not fail.
func TestIndexLookalike(t *testing.T) {
	h := testHeader(false)
	fs, want := testFrames(h, 8)
	plain := buildArchive(t, h, fs[:4]) // up to a chunk, no tail
	for name, n := range map[string]uint32{
		"small":       20,
		"huge":        1 << 30,
		"to a frame":  0, // the distance to the stored frame's start, below
		"past header": uint32(len(plain)),
	} {
		t.Run(name, func(t *testing.T) {
			tail := []byte{1, 2, 3}
			if name == "to a frame" {
				n = uint32(8 + 10 + len(fs[3].Payload) + 15) // roughly back into the frames
			}
			tail = binary.LittleEndian.AppendUint32(tail, n)
			tail = append(tail, indexMagic...)
			h2 := *h
			h2.RecordSize = 16 // room for a tail of 11 bytes
			h2.ChunkRecords = 2
			f := &Frame{Type: Tail, DecodedLen: int64(len(tail)), CRC: Checksum(tail), Payload: tail}
			a := buildArchive(t, &h2, []*Frame{f})
			b := append(bytes.Clone(plain), a...)
			got, ms, err := decodeAt(b, Limits{})
			if err != nil {
				t.Fatalf("content ending like an index footer: %v", err)
			}
			var first int64 // the content of fs[:4]
			for _, f := range fs[:4] {
				first += f.DecodedLen
			}
			if len(ms) != 2 || !bytes.Equal(got, append(bytes.Clone(want[:first]), tail...)) {
				t.Fatalf("%d members, content differs", len(ms))
			}
		})
	}
}

// TestIndexPassesSmallReaders checks that a Reader whose payload limit is
// just enough for an archive's frames still passes its index, however many
// frames the index lists (it discards the index in small pieces).
func TestIndexPassesSmallReaders(t *testing.T) {
	h := &Header{NoModel: true, RecordSize: 8, ChunkRecords: 4, Lanes: 1}
	var fs []*Frame
	for i := range 4000 {
		c := content(8, uint64(i))
		fs = append(fs, &Frame{Type: Stored, Records: 1, DecodedLen: 8, CRC: Checksum(c), Payload: c})
	}
	a := buildIndexed(t, h, fs, nil)
	ms, err := ReadMembers(bytes.NewReader(a), int64(len(a)), Limits{}, 1<<20)
	if err != nil || ms[0].IndexLen < 20<<10 {
		t.Fatalf("index of %d bytes (%v), want a long one", ms[0].IndexLen, err)
	}
	small := Limits{MaxPayload: 64, MaxDecoded: 64}
	if _, err := decodeAll(a, small); err != nil {
		t.Fatalf("a Reader with a payload limit of 64 bytes fails on a %d-byte index: %v", ms[0].IndexLen, err)
	}
	// Random access within the same limit cannot hold the index: it walks.
	if _, ms, err := decodeAt(a, small); err != nil || ms[0].IndexLen != 0 {
		t.Fatalf("random access with a 64-byte payload limit: %v", err)
	}
}
