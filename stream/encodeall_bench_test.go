package stream

import (
	"testing"
	"time"

	"github.com/bbans/bbans/vae/dataset"
)

// BenchmarkEncodeAllSmall measures the per-call cost of compressing one
// MNIST record: the package's EncodeAll, which builds a Writer (buffers,
// coders, model scratch) per call, against Writer.EncodeAll on one
// long-lived Writer; "ratio" runs them in turn and reports x-faster, the
// speed-up of reuse within one run.
func BenchmarkEncodeAllSmall(b *testing.B) {
	test, err := dataset.LoadMNIST("test")
	if err != nil {
		b.Fatal(err)
	}
	thr, _ := dataset.Binarize(test.Slice(0, 1), dataset.Threshold)
	model, err := Lookup(DefaultModel)
	if err != nil {
		b.Fatal(err)
	}
	// The model codes the record (a general codec would take a record this
	// short, and its set-up per frame would be what is measured).
	opts := []WOption{WithModel(model), WithEncoderConcurrency(1), WithGeneralCodec(false)}
	b.Run("EncodeAll", func(b *testing.B) {
		b.SetBytes(int64(len(thr.Data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := EncodeAll(thr.Data, nil, opts...); err != nil {
				b.Fatal(err)
			}
		}
	})
	w, err := NewWriter(nil, opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Writer.EncodeAll", func(b *testing.B) {
		var dst []byte
		b.SetBytes(int64(len(thr.Data)))
		b.ReportAllocs()
		for b.Loop() {
			if dst, err = w.EncodeAll(thr.Data, dst[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Both, call after call, so that a loaded machine slows them alike:
	// x-faster is the per-call cost of EncodeAll over Writer.EncodeAll's.
	b.Run("ratio", func(b *testing.B) {
		var fresh, reused time.Duration
		var dst []byte
		for b.Loop() {
			t0 := time.Now()
			if _, err := EncodeAll(thr.Data, nil, opts...); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if dst, err = w.EncodeAll(thr.Data, dst[:0]); err != nil {
				b.Fatal(err)
			}
			fresh, reused = fresh+t1.Sub(t0), reused+time.Since(t1)
		}
		b.ReportMetric(float64(fresh.Nanoseconds())/float64(b.N), "EncodeAll-ns/call")
		b.ReportMetric(float64(reused.Nanoseconds())/float64(b.N), "Writer.EncodeAll-ns/call")
		b.ReportMetric(float64(fresh)/float64(reused), "x-faster")
	})
}
