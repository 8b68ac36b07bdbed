package format

import "runtime/metrics"

var allocSample = []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}

// fuzzAllocBytes returns the bytes allocated by f, as allocBytes does, at a
// fraction of its cost for the fuzz targets: runtime.ReadMemStats stops the
// world and empties every allocation cache, which costs more than decoding
// a small input; runtime/metrics reads the count without either, but lags
// by what sits in the caches (at most a span per size class, well under
// half of any bound here). A reading above half of bound is therefore
// confirmed by running f again under allocBytes, so the answer is exact
// wherever it matters. f must do the same each time it runs.
func fuzzAllocBytes(bound uint64, f func()) uint64 {
	metrics.Read(allocSample)
	before := allocSample[0].Value.Uint64()
	f()
	metrics.Read(allocSample)
	if n := allocSample[0].Value.Uint64() - before; n <= bound/2 {
		return n
	}
	return allocBytes(f)
}
