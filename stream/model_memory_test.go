package stream

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
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

// bigScratchModel is the toy model with a coder scratch of need bytes, and
// counts the coders made.
type bigScratchModel struct {
	*toyModel
	need int64
	made *atomic.Int32
}

func (m bigScratchModel) ScratchBytes(int) int64 { return m.need }
func (m bigScratchModel) NewCoder(lanes int) Coder {
	m.made.Add(1)
	return m.toyModel.NewCoder(lanes)
}

// TestScratchSlots decodes an archive whose model's coders fit only a few
// at a time in a quarter of the memory bound: the Reader and the ReaderAt
// decode it with that many coders instead of refusing it, and refuse it
// when one coder alone does not fit.
func TestScratchSlots(t *testing.T) {
	toy := newToyModel()
	r := rand.New(rand.NewPCG(3, 3))
	var data []byte
	for range 64 {
		data = append(data, toy.sample(r)...)
	}
	a, err := EncodeAll(data, nil, WithModel(toy), WithChunkRecords(4), WithGeneralCodec(false))
	if err != nil {
		t.Fatal(err)
	}
	const mem = 64 << 20
	for _, c := range []struct {
		need   int64
		coders int32 // at most
		ok     bool
	}{{mem / 4 / 2, 2, true}, {mem / 4, 1, true}, {mem/4 + 1, 0, false}} {
		m := bigScratchModel{toy, c.need, new(atomic.Int32)}
		got, err := DecodeAll(a, nil, WithModels(m), WithDecoderConcurrency(8), WithDecoderMaxMemory(mem))
		if c.ok != (err == nil) || c.ok && !bytes.Equal(got, data) || !c.ok && !errors.Is(err, format.ErrLimit) {
			t.Errorf("scratch %d: %v", c.need, err)
		}
		if n := m.made.Load(); n > c.coders {
			t.Errorf("scratch %d: %d coders made, want at most %d", c.need, n, c.coders)
		}
		m.made.Store(0)
		z, err := NewReaderAt(bytes.NewReader(a), int64(len(a)), WithModels(m), WithDecoderConcurrency(8), WithDecoderMaxMemory(mem))
		if err != nil {
			t.Fatal(err)
		}
		rec, err := z.Record(17)
		if c.ok != (err == nil) || c.ok && !bytes.Equal(rec, data[17*toySize:18*toySize]) {
			t.Errorf("scratch %d: ReaderAt: %v", c.need, err)
		}
	}
}
