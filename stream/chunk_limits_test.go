package stream

import (
	"bytes"
	"errors"
	"runtime"
	"testing"

	"github.com/bbans/bbans/ans"
	"github.com/bbans/bbans/format"
)

// craftedDense is the 124-byte archive of the work-bound finding: a mnist-cm
// header with chunk_records 100,000 and one chunk frame claiming 100,000
// records over a valid empty message of 4 lanes (35 bytes). It used to cost
// 12 s of CPU and 147 MB before "message not empty after its records".
func craftedDense(t testing.TB, records int) []byte {
	m, err := Lookup("mnist-cm")
	if err != nil {
		t.Fatal(err)
	}
	h := format.Header{ModelName: m.Name(), ModelHash: m.Hash(), RecordSize: 784, ChunkRecords: records, Lanes: 4}
	a, err := format.AppendHeader(nil, &h)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := ans.NewMessage(4).AppendBinary(nil)
	f := format.Frame{Type: format.Chunk, Records: int64(records), DecodedLen: int64(records) * 784, CRC: 0x12345678, Payload: payload}
	if a, err = format.AppendFrame(a, &h, &f); err != nil {
		t.Fatal(err)
	}
	var tot format.Totals
	tot.Add(&f)
	return format.AppendEnd(a, tot)
}

// TestDenseFrameRejected checks that a chunk frame claiming more records than
// its payload could plausibly code is rejected before its chain runs: the
// error is the limit's, and the decoder allocates nothing like the claimed
// 78 MB (it used to decode all of it, then fail).
func TestDenseFrameRejected(t *testing.T) {
	a := craftedDense(t, 100000)
	if len(a) != 124 {
		t.Fatalf("crafted archive is %d bytes, want the 124 of the finding", len(a))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := DecodeAll(a, nil, WithDecoderConcurrency(1))
	runtime.ReadMemStats(&after)
	var ce *format.CorruptInputError
	if !errors.Is(err, format.ErrLimit) || !errors.As(err, &ce) || ce.Offset == 0 {
		t.Fatalf("crafted dense frame: %v, want a limit error at the frame's offset", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Fatalf("rejecting it allocated %d bytes", alloc)
	}
	// Below the ratio bound the frame is decoded, and fails as damaged
	// after the work: 200 records claimed, 4,480 bytes per payload byte.
	_, err = DecodeAll(craftedDense(t, 200), nil, WithDecoderConcurrency(1))
	if !errors.Is(err, format.ErrChecksum) {
		t.Fatalf("200 records over an empty message: %v, want damage found by decoding", err)
	}
}

// TestWriterSplitsDenseChunks lowers the Writer's ratio bound until the toy
// model's chunks exceed it: the Writer must then split them into frames a
// Reader with that bound accepts, and the content must round-trip.
func TestWriterSplitsDenseChunks(t *testing.T) {
	defer func(r int64) { writerMaxRatio = r }(writerMaxRatio)
	writerMaxRatio = 8
	data := bytes.Repeat(toyRecords(toy, 1, 0, 1), 200)
	// Without general frames: Brotli would code these repeated records
	// smaller still, and no chunk frame would be left to split.
	a := encodeToy(t, data, WithChunkRecords(100), WithLanes(1), WithGeneralCodec(false))
	chunks := 0
	for _, ft := range frameTypes(t, a) {
		if ft == format.Chunk {
			chunks++
		}
	}
	if chunks <= 2 {
		t.Fatalf("%d chunk frames for 2 chunks coding denser than 8:1, want them split", chunks)
	}
	if got := decodeToy(t, a, WithDecoderMaxRatio(8)); !bytes.Equal(got, data) {
		t.Fatal("round trip differs")
	}
}

// TestGeneralFrameCheckCounted is the input FuzzRoundTrip found once the
// fuzz models made it fast: one 24-byte record that Brotli codes to 23
// bytes, which with the general frame's 4-byte check is 27, more than the
// record. The Writer chose it anyway and failed with a format error.
func TestGeneralFrameCheckCounted(t *testing.T) {
	data := append(append([]byte("A0-"), bytes.Repeat([]byte{0x86}, 19)...), "A1"...)
	for _, conc := range []int{1, 2} {
		a, err := EncodeAll(data, nil, WithModel(toy), WithChunkRecords(4), WithLanes(2), WithEncoderConcurrency(conc))
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeToy(t, a); !bytes.Equal(got, data) {
			t.Fatal("round trip differs")
		}
	}
}
