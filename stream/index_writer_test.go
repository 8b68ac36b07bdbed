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
