package bench

import "time"

// Kind tells how a method runs.
type Kind int

const (
	// BBANS is bbans itself, through package stream.
	BBANS Kind = iota
	// InProcess is a classic compressor run from a Go library.
	InProcess
	// External is a compressor run as a process.
	External
	// Image is an image codec run as a process on the records tiled into
	// one picture.
	Image
)

// A Result is one method on one set.
type Result struct {
	Set    string
	Method string // "gzip -9 (Go)", "xz -9e", ...
	Kind   Kind
	// Skipped is why the method did not run ("cjxl not installed"), or "".
	Skipped string
	// InBytes is the size of the set's data; Bytes is the compressed size.
	InBytes, Bytes int
	// Compress and Decompress are the wall times of one run each way.
	Compress, Decompress time.Duration
	// Verified reports that decompression gave back the input exactly.
	Verified bool
	// NegELBO is the model's negative ELBO in bits/dim (bbans only; 0 if
	// not computed).
	NegELBO float64
	// Note is extra detail for the table: the model, the effort, ...
	Note string
}

// BitsPerDim returns the compressed size in bits per input byte.
func (r *Result) BitsPerDim() float64 {
	if r.InBytes == 0 {
		return 0
	}
	return 8 * float64(r.Bytes) / float64(r.InBytes)
}

// CompressMBps returns the compression speed in MB (10^6 bytes) of input
// per second.
func (r *Result) CompressMBps() float64 { return mbps(r.InBytes, r.Compress) }

// DecompressMBps returns the decompression speed in MB of output per
// second.
func (r *Result) DecompressMBps() float64 { return mbps(r.InBytes, r.Decompress) }

func mbps(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / 1e6 / d.Seconds()
}

// A Report is the outcome of Run.
type Report struct {
	Sets    []*Set
	Results []Result
	// Traces are the running costs of one bits-back chain per set, when
	// Config.Trace asked for them.
	Traces []Trace
	// Elapsed is the wall time of the whole run.
	Elapsed time.Duration
	// Threads is the concurrency bbans ran with; JXLEffort the effort of
	// cjxl.
	Threads, JXLEffort int
}

// bbans returns the bbans result of a set, if there is one.
func (rep *Report) bbans(set string) *Result {
	for i := range rep.Results {
		r := &rep.Results[i]
		if r.Set == set && r.Kind == BBANS && r.Skipped == "" {
			return r
		}
	}
	return nil
}
