package stream

import (
	"errors"
	"runtime"
	"testing"

	"github.com/bbans/bbans/ans"
	"github.com/bbans/bbans/format"
	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
	"github.com/bbans/bbans/vae/train"
)

// craftedWide is an archive embedding a small valid model whose coder
// scratch is huge: a logistic mixture of 8 components over records of
// recordSize bytes, coded on 1024 lanes (scratch is lanes x record size x
// outputs), with one chunk frame of 9 x 1024 records over a valid message.
// The finding: such an archive of 1 MB peaked at 845 MB, and one with
// 65,536-byte records asked for 12.5 GiB and killed the process.
func craftedWide(t testing.TB, recordSize int) []byte {
	t.Helper()
	a := vae.Arch{RecordSize: recordSize, Likelihood: vae.Logistic, Components: 8,
		EncHidden: []int{8}, Latent: 2, DecHidden: []int{8}}
	f, err := train.NewFloatModel(a, 1)
	if err != nil {
		t.Fatal(err)
	}
	cal := &dataset.Dataset{RecordSize: recordSize, Data: randomBytes(4*recordSize, 9)}
	m, err := train.Quantize(f, train.QuantizeConfig{Calibration: cal})
	if err != nil {
		t.Fatal(err)
	}
	const lanes, records = 1024, 9 * 1024
	h := format.Header{ModelName: "wide", ModelHash: m.Hash(), RecordSize: recordSize,
		ChunkRecords: records, Lanes: lanes, Model: m.File()}
	b, err := format.AppendHeader(nil, &h)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := ans.NewMessage(lanes).AppendBinary(nil)
	fr := format.Frame{Type: format.Chunk, Records: records, DecodedLen: int64(records * recordSize), CRC: 1, Payload: payload}
	if b, err = format.AppendFrame(b, &h, &fr); err != nil {
		t.Fatal(err)
	}
	var tot format.Totals
	tot.Add(&fr)
	return format.AppendEnd(b, tot)
}

// TestEmbeddedScratchCounted decodes the crafted archives: each must be
// rejected with a limit error before the coder's scratch is allocated, within
// 64 MB of allocation in all (the model's file and tables included).
func TestEmbeddedScratchCounted(t *testing.T) {
	sizes := []int{4096, 65536}
	if testing.Short() {
		sizes = sizes[:1] // building the 65,536-byte model is most of the test's time under -race
	}
	for _, size := range sizes {
		a := craftedWide(t, size)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := DecodeAll(a, nil, WithDecoderConcurrency(1))
		runtime.ReadMemStats(&after)
		if !errors.Is(err, format.ErrLimit) {
			t.Errorf("records of %d bytes on 1024 lanes (archive of %d bytes): %v, want a limit error", size, len(a), err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
			t.Errorf("records of %d bytes: rejecting the archive allocated %d bytes", size, alloc)
		}
	}
}
