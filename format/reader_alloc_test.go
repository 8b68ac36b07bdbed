package format

import (
	"bytes"
	"testing"
)

// manyFrames returns an archive of n stored chunks of a 784-byte record.
func manyFrames(t testing.TB, n int) []byte {
	h := &Header{ModelName: "mnist", RecordSize: 784, ChunkRecords: 1, Lanes: 1}
	c := content(784, 9)
	fs := make([]*Frame, n)
	for i := range fs {
		fs[i] = &Frame{Type: Stored, Records: 1, DecodedLen: 784, CRC: Checksum(c), Payload: c}
	}
	return buildArchive(t, h, fs)
}

// Reading frames reuses the Reader's buffers: no allocation per frame once
// the payload buffer has grown.
func TestNextAllocs(t *testing.T) {
	r := NewReader(bytes.NewReader(manyFrames(t, 300)), Limits{})
	if _, err := r.ReadHeader(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(200, func() {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("%v allocations per frame", n)
	}
}

func BenchmarkReader(b *testing.B) {
	data := manyFrames(b, 1000)
	b.SetBytes(1000 * 784)
	b.ReportAllocs()
	r := NewReader(bytes.NewReader(data), Limits{})
	for b.Loop() {
		r.Reset(bytes.NewReader(data))
		if _, err := r.ReadHeader(); err != nil {
			b.Fatal(err)
		}
		for {
			f, err := r.Next()
			if err != nil {
				b.Fatal(err)
			}
			if f.Type == End {
				break
			}
		}
	}
}
