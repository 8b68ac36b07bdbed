package stream

import (
	"bytes"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"
	"weak"

	"github.com/google/go-cmp/cmp"
)

// TestWriterProgress checks that Progress is the pair of input bytes in
// the frames written and archive bytes written, read from another
// goroutine while the Writer works (run with -race).
func TestWriterProgress(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 0, 400*toySize+5)
	for range 400 {
		data = append(data, toy.sample(r)...)
	}
	data = append(data, 1, 2, 3, 4, 5) // a tail
	var buf bytes.Buffer
	w, err := NewWriter(&buf, WithModel(toy), WithChunkRecords(30), WithEncoderConcurrency(2), WithIDX(false))
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // a progress display
		defer wg.Done()
		var lastIn, lastOut int64
		for {
			in, out := w.Progress()
			if in < lastIn || out < lastOut {
				t.Errorf("progress went back: %d, %d after %d, %d", in, out, lastIn, lastOut)
			}
			lastIn, lastOut = in, out
			select {
			case <-stop:
				return
			default:
			}
		}
	}()
	type pair struct{ In, Out int64 }
	for i := 0; i < len(data); i += 1000 {
		if _, err := w.Write(data[i:min(i+1000, len(data))]); err != nil {
			t.Fatal(err)
		}
	}
	// Before Flush the bytes of chunks in flight are not counted.
	if in, _ := w.Progress(); in > int64(len(data)) {
		t.Errorf("progress %d past the %d bytes written", in, len(data))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	in, out := w.Progress()
	if diff := cmp.Diff(pair{int64(len(data)), int64(buf.Len())}, pair{in, out}); diff != "" {
		t.Errorf("after Flush (-want +got):\n%s", diff)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	in, out = w.Progress()
	if diff := cmp.Diff(pair{int64(len(data)), int64(buf.Len())}, pair{in, out}); diff != "" {
		t.Errorf("after Close (-want +got):\n%s", diff)
	}
	w.Reset(&bytes.Buffer{})
	if in, out := w.Progress(); in != 0 || out != 0 {
		t.Errorf("after Reset: %d, %d", in, out)
	}
}

// TestDroppedWriters checks what the Writer's doc promises of a Writer
// dropped without Close: its chunks in flight finish, no goroutine stays
// behind, and the Writer and its buffers are garbage.
func TestDroppedWriters(t *testing.T) {
	before := runtime.NumGoroutine()
	r := rand.New(rand.NewPCG(5, 6))
	data := make([]byte, 0, 100*toySize)
	for range 100 {
		data = append(data, toy.sample(r)...)
	}
	var ptrs []weak.Pointer[Writer]
	for range 20 {
		w, err := NewWriter(&bytes.Buffer{}, WithModel(toy), WithChunkRecords(20), WithEncoderConcurrency(4))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil { // chunks in flight, never closed
			t.Fatal(err)
		}
		ptrs = append(ptrs, weak.Make(w))
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		runtime.GC()
		alive := 0
		for _, p := range ptrs {
			if p.Value() != nil {
				alive++
			}
		}
		n := runtime.NumGoroutine()
		if alive == 0 && n <= before {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("20 dropped Writers: %d still reachable, %d goroutines (%d before)", alive, n, before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestWriterEncodeAll checks that a long-lived Writer's EncodeAll writes
// the same bytes as the package's EncodeAll, call after call, appending to
// dst; with an automatic model choice too, when the choice changes from
// one call to the next (its coders are then replaced).
func TestWriterEncodeAll(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var inputs [][]byte
	for _, n := range []int{0, 1, 3, 70, 200} {
		var b []byte
		for range n {
			b = append(b, toy.sample(r)...)
		}
		inputs = append(inputs, b, append(bytes.Clone(b), 9, 9, 9))
	}
	opts := []WOption{WithModel(toy), WithChunkRecords(40), WithEncoderConcurrency(2)}
	w, err := NewWriter(nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	for i, in := range inputs {
		want, err := EncodeAll(in, []byte("prefix"), opts...)
		if err != nil {
			t.Fatal(err)
		}
		got, err := w.EncodeAll(in, []byte("prefix"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("input %d (%d bytes): Writer.EncodeAll differs from EncodeAll", i, len(in))
		}
	}

	binarized, eightBit := make([]byte, 2*784), make([]byte, 2*784)
	for i := 300; i < 340; i++ {
		binarized[i], eightBit[i] = 1, 200
	}
	auto, err := NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, in := range [][]byte{binarized, eightBit, binarized} {
		want, err := EncodeAll(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := auto.EncodeAll(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("automatic choice, input %d: Writer.EncodeAll differs from EncodeAll", i)
		}
	}
}

// TestWriterEncodeAllReuses checks that a long-lived Writer's EncodeAll
// does not allocate its buffers anew on every call: it allocates at least
// a chunk buffer less per call than the package's EncodeAll, with and
// without the general codec (whose frames gather chunks in a larger
// buffer).
func TestWriterEncodeAllReuses(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var data []byte
	for range 100 {
		data = append(data, toy.sample(r)...)
	}
	const chunk = 1000 // records: a buffer of 24,000 bytes
	perCall := func(f func()) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		const calls = 20
		for range calls {
			f()
		}
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / calls
	}
	for _, general := range []bool{false, true} {
		opts := []WOption{WithModel(toy), WithChunkRecords(chunk), WithEncoderConcurrency(1), WithGeneralCodec(general)}
		w, err := NewWriter(nil, opts...)
		if err != nil {
			t.Fatal(err)
		}
		in := data
		if general {
			in = bytes.Repeat([]byte("text for the general codec "), 100)
		}
		var dst []byte
		encode := func() {
			if dst, err = w.EncodeAll(in, dst[:0]); err != nil {
				t.Fatal(err)
			}
		}
		for range 3 {
			encode() // buffers and coders are made once
		}
		reused := perCall(encode)
		fresh := perCall(func() {
			if _, err := EncodeAll(in, nil, opts...); err != nil {
				t.Fatal(err)
			}
		})
		if fresh < reused+chunk*toySize {
			t.Errorf("general codec %v: Writer.EncodeAll allocates %d bytes a call, EncodeAll %d: not a chunk buffer (%d) less", general, reused, fresh, chunk*toySize)
		}
	}
}
