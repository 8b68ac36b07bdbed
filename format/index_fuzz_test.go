package format

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzIndex feeds arbitrary bytes to random access (ReadMembers, then
// ReadFrameAt for every data frame), seeded with archives that end in an
// index. Random access must never panic, must bound its memory, and must
// never give content that the sequential Reader does not: where both
// succeed they agree, and where random access succeeds the Reader may fail
// only on a content checksum it alone checks (a skippable frame's payload).
// The members found must be the archives and frames the Reader walks.
func FuzzIndex(f *testing.F) {
	h := testHeader(false)
	fs, _ := testFrames(h, 9)
	a := buildIndexed(f, h, fs, nil)
	hm := testHeader(true)
	fs2, _ := testFrames(hm, 10)
	b := buildIndexed(f, hm, fs2[1:4], nil)
	f.Add(a)
	f.Add(b)
	f.Add(append(bytes.Clone(a), b...))
	f.Add(append(buildArchive(f, h, fs), a...))
	f.Add(buildIndexed(f, h, fs, func(x *ArchiveIndex) { x.Frames[1].Len--; x.Frames[2].Len++ }))
	f.Fuzz(func(t *testing.T, data []byte) {
		var got []byte
		var ms []Member
		var err error
		bound := uint64(256<<10 + 8*len(data))
		if n := fuzzAllocBytes(bound, func() { got, ms, err = decodeAt(data, fuzzLimits) }); n > bound {
			t.Errorf("allocated %d bytes for %d bytes of input (bound %d)", n, len(data), bound)
		}
		if err != nil {
			var ce *CorruptInputError
			if len(data) > 0 && !errors.As(err, &ce) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		checkAgainstWalk(t, data, ms)
		seq, serr := decodeAll(data, fuzzLimits)
		if serr == nil && !bytes.Equal(seq, got) {
			t.Fatalf("random access gives %d bytes of content, the Reader %d other bytes", len(got), len(seq))
		}
		if serr != nil && !errors.Is(serr, ErrChecksum) {
			t.Fatalf("random access reads the input, the Reader fails: %v", serr)
		}
	})
}
