package bench

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/bbans/bbans/vae"
)

// Config says what Run measures.
type Config struct {
	Sets []*Set
	// Threads is the concurrency of bbans each way; 0 means GOMAXPROCS.
	// The classic compressors run on one thread.
	Threads int
	// External runs the command-line compressors and JPEG XL when they
	// are installed.
	External bool
	// JXLEffort is cjxl's effort (1 to 9); 0 means DefaultJXLEffort.
	JXLEffort int
	// Trace records the running cost of a bits-back chain per set, for
	// Plot.
	Trace bool
	// Log, if not nil, receives a line per method as it finishes.
	Log io.Writer
	// Model, if not nil, is the one model bbans runs with, named
	// ModelName in the table (a model file from bbans train, say), in
	// place of the built-in models; sets of another record size get a
	// skipped bbans row.
	Model     *vae.Model
	ModelName string
}

// Run runs every method on every set, one after the other so that the
// timings do not disturb each other. A method that fails to round-trip is
// reported as such in its Result; an error is returned only when a method
// cannot run at all (an I/O error, a compressor that rejects its input).
func Run(cfg Config) (*Report, error) {
	start := time.Now()
	rep := &Report{Sets: cfg.Sets, Threads: cfg.Threads, JXLEffort: cfg.JXLEffort}
	if rep.Threads <= 0 {
		rep.Threads = runtime.GOMAXPROCS(0)
	}
	if rep.JXLEffort == 0 {
		rep.JXLEffort = DefaultJXLEffort
	}
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, "bench: "+format+"\n", args...)
		}
	}
	add := func(r Result) {
		rep.Results = append(rep.Results, r)
		switch {
		case r.Skipped != "":
			logf("%s: %s: skipped: %s", r.Set, r.Method, r.Skipped)
		default:
			logf("%s: %s: %d bytes, %.4f bits/dim, %v + %v", r.Set, r.Method, r.Bytes, r.BitsPerDim(),
				r.Compress.Round(time.Millisecond), r.Decompress.Round(time.Millisecond))
		}
	}
	for _, s := range cfg.Sets {
		base := Result{Set: s.Name, InBytes: len(s.Data)}

		// bbans with its default model (the row the speed ratios refer
		// to), then with every other built-in model that can code the set.
		models := s.Models
		if len(models) == 0 {
			models = []string{""}
		}
		if cfg.Model != nil {
			models = []string{cfg.ModelName}
		}
		for i, name := range models {
			r := base
			r.Method, r.Kind = "bbans", BBANS
			if i > 0 {
				r.Method = "bbans (" + name + ")"
			}
			if cfg.Model != nil && cfg.Model.RecordSize() != s.RecordSize {
				r.Skipped = fmt.Sprintf("model %s codes records of %d bytes, not %d", name, cfg.Model.RecordSize(), s.RecordSize)
				add(r)
				continue
			}
			if err := runBBANS(s, cfg.model(name), rep.Threads, &r); err != nil {
				return nil, fmt.Errorf("bench: %s: bbans: %w", s.Name, err)
			}
			r.Note += fmt.Sprintf(", %d threads", rep.Threads)
			add(r)
			if cfg.Trace && i == 0 && name != "" {
				t, err := trace(s, cfg.model(name), r.NegELBO)
				if err != nil {
					return nil, err
				}
				rep.Traces = append(rep.Traces, *t)
			}
		}

		for _, c := range classicCodecs {
			r := base
			r.Method, r.Kind, r.Note = c.name, InProcess, c.note
			if err := roundTrip(&r, s.Data, c.compress, c.decompress); err != nil {
				return nil, fmt.Errorf("bench: %s: %s: %w", s.Name, c.name, err)
			}
			add(r)
		}

		if !cfg.External {
			continue
		}
		for _, t := range externalTools {
			r := base
			r.Method, r.Kind = t.name, External
			if !installed(t.compress) {
				r.Skipped = t.compress[0] + " not installed"
				add(r)
				continue
			}
			err := roundTrip(&r, s.Data,
				func(b []byte) ([]byte, error) { return pipe(t.compress, b) },
				func(b []byte) ([]byte, error) { return pipe(t.decompress, b) })
			if err != nil {
				return nil, fmt.Errorf("bench: %s: %w", s.Name, err)
			}
			add(r)
		}

		if s.Width == 0 {
			continue // records not known to be images (text, a raw file): no JPEG XL row
		}
		r := base
		r.Method, r.Kind = "JPEG XL lossless", Image
		switch {
		case s.Records() == 0:
			r.Skipped = "no whole record"
		default:
			if err := runJXL(s, rep.JXLEffort, &r); err != nil {
				return nil, fmt.Errorf("bench: %s: JPEG XL: %w", s.Name, err)
			}
		}
		add(r)
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// roundTrip compresses src and decompresses the result, timing each, and
// fills r.
func roundTrip(r *Result, src []byte, compress, decompress func([]byte) ([]byte, error)) error {
	var c, d []byte
	var err error
	if r.Compress, err = timed(func() (err error) { c, err = compress(src); return err }); err != nil {
		return err
	}
	if r.Decompress, err = timed(func() (err error) { d, err = decompress(c); return err }); err != nil {
		return err
	}
	r.Bytes = len(c)
	r.Verified = bytes.Equal(d, src)
	return nil
}

// timed runs f and returns its wall time.
func timed(f func() error) (time.Duration, error) {
	t := time.Now()
	err := f()
	return time.Since(t), err
}
