package stream

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/bbans/bbans/format"
)

// TestSizeBound holds archives to the README's promise, at most 0.1% + 64
// bytes more than their input, for chunks of 1 record up, with the model
// named and not: random input; input longer than the 128 KiB the header is
// decided on (writer_header.go) whose chunks after it the model cannot code
// (random records), with and without a tail; and chunks the model codes and
// chunks it cannot, in turns. Issue 17's finding: an archive that named its
// model paid a frame header per stored chunk, 10 to 16 bytes, over 0.1% for
// chunks under 16 KiB.
func TestSizeBound(t *testing.T) {
	m := toy
	size := m.RecordSize()
	coded := toyRecords(m, decideBytes/size+size, 0, 1) // the header names the model
	random := randomBytes(160<<10/size*size, 2)
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	for _, records := range []int{1, 2, 3, 5, 100, 3000} {
		// Chunks the model codes and chunks it cannot, in turns; and
		// general frames (of format.GeneralChunks chunks) that the
		// general codec shrinks by a few bytes (random bytes ending in
		// zeros), each followed by one it cannot: they must pay for
		// their frame header and the stored frame's that follows.
		var turns, narrow []byte
		for i := 0; len(turns) < 300<<10; i++ {
			turns = append(turns, toyRecords(m, records, 0, uint64(i))...)
			turns = append(turns, randomBytes(records*size, uint64(i))...)
		}
		frame := format.GeneralChunks * records * size
		for i := 0; len(narrow) < 300<<10; i++ {
			b := randomBytes(2*frame, uint64(i))
			clear(b[frame-40 : frame])
			narrow = append(narrow, b...)
		}
		inputs := []struct {
			name  string
			data  []byte
			named bool // the archive must name the model
		}{
			{"random", random, false},
			{"coded-then-random", join(coded, random), true},
			{"coded-random-tail", join(coded, random, []byte{1, 0}), true},
			{"turns", turns, true},
			{"narrow", narrow, false},
			{"coded-then-narrow", join(coded, narrow), false}, // names the model for chunks under 64 KiB
		}
		for _, in := range inputs {
			for _, general := range []bool{false, true} {
				t.Run(fmt.Sprintf("chunk=%d/%s/general=%v", records, in.name, general), func(t *testing.T) {
					// Level 3's zstd: the frames of the default's Brotli, faster.
					a, err := EncodeAll(in.data, nil, WithModel(m), WithChunkRecords(records), WithGeneralCodec(general), WithEncoderLevel(3))
					if err != nil {
						t.Fatal(err)
					}
					h, err := format.NewReader(bytes.NewReader(a), format.Limits{}).ReadHeader()
					if err != nil {
						t.Fatal(err)
					}
					if in.named && h.NoModel {
						t.Errorf("the archive names no model: the case tests nothing new")
					}
					if limit := len(in.data) + len(in.data)/1000 + 64; len(a) > limit {
						t.Errorf("%d bytes grew to %d (bound %d; model named: %v)", len(in.data), len(a), limit, !h.NoModel)
					}
					got, err := DecodeAll(a, nil, WithModels(m))
					if err != nil || !bytes.Equal(got, in.data) {
						t.Fatalf("round trip: %v", err)
					}
					// Random access through the index (or the frame walk)
					// finds every record, in merged stored frames too.
					z, err := NewReaderAt(bytes.NewReader(a), int64(len(a)), WithModels(m))
					if err != nil {
						t.Fatal(err)
					}
					for _, i := range []int64{0, z.Records() / 3, z.Records() - 1} {
						if r, err := z.Record(i); err != nil || !bytes.Equal(r, in.data[i*int64(size):(i+1)*int64(size)]) {
							t.Fatalf("record %d of %d: %v", i, z.Records(), err)
						}
					}
				})
			}
		}
	}
}
