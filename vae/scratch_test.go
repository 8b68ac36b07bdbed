package vae

import (
	"runtime"
	"testing"
)

// TestScratchBytes holds ScratchBytes to what NewCoder really allocates,
// for every built-in model (each likelihood family) and a few lane counts:
// never less, and not absurdly more.
func TestScratchBytes(t *testing.T) {
	for _, b := range Builtins() {
		m, err := ParseModel(b.File())
		if err != nil {
			t.Fatal(err)
		}
		for _, lanes := range []int{1, 4, 64} {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			c := m.NewCoder(lanes)
			runtime.ReadMemStats(&after)
			runtime.KeepAlive(c)
			got, est := int64(after.TotalAlloc-before.TotalAlloc), m.ScratchBytes(lanes)
			if got > est || est > 4*got+1<<20 {
				t.Errorf("%s, %d lanes: NewCoder allocated %d bytes, ScratchBytes says %d", b.Name, lanes, got, est)
			}
		}
	}
}
