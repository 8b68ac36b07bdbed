package stream

import (
	"bytes"
	"runtime/metrics"
	"sync"
	"testing"
)

// FuzzReader feeds arbitrary bytes to the Reader: it must return an error
// or output whose checksums verified, never panic or hang, and stay within
// its memory bound. Seeds are archives of the small fuzz models (one embeds
// its model), so that an execution costs microseconds. The Reader decodes on
// goroutines, so coverage varies from run to run; run it with a short
// -fuzzminimizetime (CI uses 1s), or the fuzzer spends its time minimising
// inputs that only look new.
func FuzzReader(f *testing.F) {
	for _, a := range fuzzArchives(f) {
		if len(a) > 4<<10 {
			f.Fatalf("a seed of %d bytes, longer than the inputs fuzzed", len(a))
		}
		f.Add(a)
	}
	// The Reader knows every fuzz model but the one embedded in a seed
	// (zstd-compressed): that one it decompresses, parses and checks.
	models := append([]Model{fuzzModels()[0]}, fuzzModels()[2:]...)
	// Built-in models are parsed on first use (archives in the corpus name
	// them): parse them now, so that the allocation measured below is the
	// decoder's alone.
	for _, m := range Models() {
		m.Codable(make([]byte, m.RecordSize()))
	}
	const bound = 4 << 20
	// One Reader, Reset for each input, as a caller decoding many archives
	// would: a new Reader costs more than decoding a small input.
	z, err := NewReader(nil, WithModels(models...), WithDecoderMaxMemory(bound), WithDecoderConcurrency(1))
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	allocs := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4<<10 {
			// Longer than any seed (the one with an embedded model is
			// 3.6 KB, the others a few hundred bytes): the fuzzer grows
			// inputs by copying parts of them and minimises every new
			// one in time quadratic in its length.
			return
		}
		metrics.Read(allocs)
		before := allocs[0].Value.Uint64()
		z.Reset(bytes.NewReader(data))
		buf.Reset()
		_, err := z.WriteTo(&buf)
		out := buf.Bytes()
		metrics.Read(allocs)
		if err == nil && len(out) > 1<<22 {
			t.Fatalf("%d bytes of output from %d bytes of input", len(out), len(data))
		}
		// Allocation is bounded by the memory option plus what the input
		// holds (an embedded model is parsed into tables a few times its
		// size).
		if alloc := allocs[0].Value.Uint64() - before; alloc > 2*bound+64*uint64(len(data)) {
			t.Fatalf("decoding %d bytes allocated %d bytes", len(data), alloc)
		}
	})
}

// FuzzRoundTrip writes arbitrary bytes with each small fuzz model, chunks
// of 1 to 4 records and compression levels 1 to 12 (which picks all three),
// reads them back, and checks the size bound and that the archive does not
// depend on the concurrency. Levels 1 to 12 reach every frame type and path
// of the Writer: each Zstandard setting and Brotli (quality 9). Brotli
// 10 and 11 (levels 13 to 19) cost milliseconds per archive even for a few
// records, a hundred times the rest, and differ only in Brotli's quality:
// TestLevelsText codes with every level.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{}, uint8(0))
	f.Add(bytes.Repeat([]byte{0, 1, 1, 0}, 40), uint8(1))
	f.Add(bytes.Repeat([]byte{7}, 100), uint8(5))
	f.Add([]byte("not an image at all, but records all the same"), uint8(2))
	f.Add(bytes.Repeat([]byte("general codec "), 18), uint8(16*11+4+2))
	models := fuzzModels()
	// Writers are kept per model, chunk size, level and concurrency and
	// reused (Writer.EncodeAll): a new one sets up its general-codec
	// encoders, which costs more than coding a few records.
	type key struct{ m, chunk, level, conc int }
	var mu sync.Mutex
	writers := map[key]*Writer{}
	encode := func(data []byte, k key) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		w := writers[k]
		if w == nil {
			var err error
			if w, err = NewWriter(nil, WithModel(models[k.m]), WithChunkRecords(k.chunk), WithEncoderLevel(k.level),
				WithLanes(2), WithEncoderConcurrency(k.conc)); err != nil {
				return nil, err
			}
			writers[k] = w
		}
		return w.EncodeAll(data, nil)
	}
	// One Reader for every archive (Reset), as in FuzzReader.
	z, err := NewReader(nil, WithModels(models...), WithDecoderConcurrency(1))
	if err != nil {
		f.Fatal(err)
	}
	var got bytes.Buffer
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		// Sixteen records reach every path (chunks of up to 4 records, more
		// chunks than the 3 threads below, stored runs, tails); longer
		// inputs only cost time.
		data = data[:min(len(data), 256)]
		k := key{m: int(which) % len(models), chunk: 1 + int(which)/4%4, level: 1 + int(which)/16%12, conc: 1}
		m := models[k.m]
		a, err := encode(data, k)
		if err != nil {
			t.Fatal(err)
		}
		z.Reset(bytes.NewReader(a))
		got.Reset()
		if _, err := z.WriteTo(&got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), data) {
			t.Fatalf("round trip with %s at level %d differs", m.Name(), k.level)
		}
		k3 := k
		k3.conc = 3
		if b, err := encode(data, k3); err != nil || !bytes.Equal(a, b) {
			t.Fatalf("the archive differs with 3 threads (%d bytes, %d with one): %v", len(b), len(a), err)
		}
		// The size bound holds for every archive, with its model named
		// or not (TestSizeBound has the inputs longer than these).
		if limit := len(data) + len(data)/1000 + 64; len(a) > limit {
			t.Fatalf("%d bytes grew to %d at level %d", len(data), len(a), k.level)
		}
	})
}
