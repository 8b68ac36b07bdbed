package stream

import (
	"bytes"
	"io"
	"runtime"
	"testing"
	"time"
)

// TestDroppedReaders starts 50 Readers on an archive of many frames, reads a
// little from each and drops them without Close: after garbage collection no
// goroutine of theirs may remain (they used to block forever, each holding
// its buffers).
func TestDroppedReaders(t *testing.T) {
	archive := encodeToy(t, toyRecords(toy, 400, 0, 7), WithChunkRecords(10))
	before := runtime.NumGoroutine()
	// Held until counted: a collection meanwhile (frequent under -race)
	// would stop some of them before the count.
	var readers []*Reader
	for range 50 {
		z, err := NewReader(bytes.NewReader(archive), WithModels(toy), WithDecoderConcurrency(2))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(z, make([]byte, 10)); err != nil {
			t.Fatal(err)
		}
		readers = append(readers, z)
	}
	// At least one goroutine a Reader, give or take a few that were
	// ending when before was counted.
	if n := runtime.NumGoroutine(); n < before+45 {
		t.Fatalf("%d goroutines with 50 Readers decoding, %d before: the test does not exercise them", n, before)
	}
	runtime.KeepAlive(readers) // dropped from here on
	// Cleanups run on their own goroutine after a GC, and the stopped
	// goroutines then need to be scheduled: retry, a bounded number of times.
	n := 0
	for range 200 {
		runtime.GC()
		if n = runtime.NumGoroutine(); n <= before {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%d goroutines left after 50 dropped Readers, %d before", n, before)
}
