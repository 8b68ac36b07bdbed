package stream

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/bbans/bbans/format"
	"github.com/bbans/bbans/vae"
)

// FuzzReader feeds arbitrary bytes to the Reader: it must return an error
// or output whose checksums verified, never panic or hang, and stay within
// its memory bound. The Reader decodes on goroutines, so coverage varies
// from run to run; run it with a short -fuzzminimizetime (CI uses 1s), or
// the fuzzer spends its time minimising inputs that only look new.
func FuzzReader(f *testing.F) {
	a, _ := smallArchive(f)
	f.Add(a)
	if files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.bbans")); err == nil {
		for _, name := range files {
			if b, err := os.ReadFile(name); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
	}
	// A model no registry knows, embedded zstd-compressed: the reader
	// decompresses, parses and checks it.
	if emb, err := EncodeAll(mnistSlice(f, 0, 3, vae.Threshold), nil, WithModel(customModel(f, 1)), WithEmbeddedModel(true), WithChunkRecords(2)); err == nil {
		f.Add(emb)
	} else {
		f.Fatal(err)
	}
	// Built-in models are parsed on first use: parse them now, so that the
	// allocation measured below is the decoder's alone.
	for _, m := range Models() {
		m.Codable(make([]byte, m.RecordSize()))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const bound = 4 << 20
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		out, err := DecodeAll(data, nil, WithDecoderMaxMemory(bound), WithDecoderConcurrency(1))
		runtime.ReadMemStats(&after)
		if err == nil && len(out) > 1<<22 {
			t.Fatalf("%d bytes of output from %d bytes of input", len(out), len(data))
		}
		// Allocation is bounded by the memory option plus what the input
		// holds (an embedded model is parsed into tables a few times its
		// size).
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 2*bound+64*uint64(len(data)) {
			t.Fatalf("decoding %d bytes allocated %d bytes", len(data), alloc)
		}
	})
}

// FuzzRoundTrip writes arbitrary bytes with each built-in model and reads
// them back.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{}, uint8(0))
	f.Add(mnistSlice(f, 0, 2, vae.Threshold), uint8(0))
	f.Add(mnistSlice(f, 2, 3, vae.None), uint8(1))
	f.Add([]byte("not an image at all"), uint8(1))
	models := Models()
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		m := models[int(which)%len(models)]
		a, err := EncodeAll(data, nil, WithModel(m), WithChunkRecords(3), WithLanes(2))
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeAll(a, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("round trip with %s differs", m.Name())
		}
		// The size bound holds for every archive that names no model; one
		// that codes some chunks pays a frame header per stored chunk,
		// which small chunks do not amortise.
		h, err := format.NewReader(bytes.NewReader(a), format.Limits{}).ReadHeader()
		if err != nil {
			t.Fatal(err)
		}
		if limit := len(data) + len(data)/1000 + 64; len(a) > limit && h.NoModel {
			t.Fatalf("%d bytes grew to %d", len(data), len(a))
		}
	})
}
