package stream

import (
	"bytes"
	"testing"

	"github.com/bbans/bbans/format"
)

// TestWriterIndex checks when the Writer ends an archive with an index and
// that the index lists every frame the archive holds.
func TestWriterIndex(t *testing.T) {
	recs := toyRecords(toy, 100, 0, 5)
	for _, c := range []struct {
		name    string
		data    []byte
		opts    []WOption
		indexed bool
	}{
		{"default", recs, nil, true},
		{"IDX file, tail", append(idxFile(100), 1, 0), []WOption{WithChunkRecords(30)}, true},
		{"WithIndex(false)", recs, []WOption{WithIndex(false)}, false},
		{"one chunk", recs, []WOption{WithChunkRecords(100)}, false},
		{"all stored", randomBytes(100*toySize, 4), []WOption{WithChunkRecords(10)}, false},
		{"empty", nil, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := encodeToy(t, c.data, append([]WOption{WithChunkRecords(10)}, c.opts...)...)
			ms, err := format.ReadMembers(bytes.NewReader(a), int64(len(a)), format.Limits{}, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if got := ms[0].IndexLen > 0; got != c.indexed {
				t.Fatalf("index written %v, want %v", got, c.indexed)
			}
			// The walk, with the Reader, must find the same frames.
			plain := encodeToy(t, c.data, append([]WOption{WithChunkRecords(10), WithIndex(false)}, c.opts...)...)
			pm, err := format.ReadMembers(bytes.NewReader(plain), int64(len(plain)), format.Limits{}, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if len(pm[0].Frames) != len(ms[0].Frames) {
				t.Fatalf("%d frames indexed, %d walked", len(ms[0].Frames), len(pm[0].Frames))
			}
			for i := range pm[0].Frames {
				if pm[0].Frames[i] != ms[0].Frames[i] {
					t.Fatalf("frame %d: indexed %v, walked %v", i, ms[0].Frames[i], pm[0].Frames[i])
				}
			}
			if got := decodeToy(t, a); !bytes.Equal(got, c.data) {
				t.Fatal("the Reader, which skips the index, gives other content")
			}
		})
	}
}

// TestWriterIndexFlush flushes mid-record (a tail frame in the middle) and
// checks that the index still places every byte and record.
func TestWriterIndexFlush(t *testing.T) {
	data := toyRecords(toy, 95, 0, 6)
	var buf bytes.Buffer
	w, err := NewWriter(&buf, WithModel(toy), WithChunkRecords(20))
	if err != nil {
		t.Fatal(err)
	}
	cut := 41*toySize + 5
	for _, p := range [][]byte{data[:cut], data[cut:]} {
		if _, err := w.Write(p); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	a := buf.Bytes()
	z := openAt(t, a, WithModels(toy))
	if n, _ := z.Indexed(); n != 1 {
		t.Fatal("no index after Flush and Close")
	}
	got := make([]byte, len(data))
	if n, err := z.ReadAt(got, 0); n != len(data) || !bytes.Equal(got, data) {
		t.Fatalf("ReadAt: %d bytes, %v", n, err)
	}
	// The tail in the middle holds no record: records after it are the
	// records of the second write, counted on.
	first := data[:cut/toySize*toySize]
	if z.Records() != int64(cut/toySize+(len(data)-cut)/toySize) {
		t.Fatalf("%d records", z.Records())
	}
	if rec, err := z.Record(int64(cut/toySize - 1)); err != nil || !bytes.Equal(rec, first[len(first)-toySize:]) {
		t.Fatalf("last record before the tail: %v", err)
	}
	if rec, err := z.Record(int64(cut / toySize)); err != nil || !bytes.Equal(rec, data[cut:cut+toySize]) {
		t.Fatalf("first record after the tail: %v", err)
	}
}
