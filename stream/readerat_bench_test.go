package stream

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/bbans/bbans/vae/dataset"
)

// BenchmarkReaderAt measures random access to the 10,000 MNIST test images,
// threshold-binarized, coded with the default model at three chunk sizes:
// sequential decoding of everything (DecodeAll) beside random single
// records and random batches of 64 records (AppendBatch) through a ReaderAt, with no
// chunk cache (every read decodes what it needs) and with the default one.
// records/s is the figure to compare within one run; chunks/op counts the
// chunk decodes per read, and bits/dim shows what smaller chunks cost.
//
//	go test -run '^$' -bench BenchmarkReaderAt -benchtime 2s ./stream
func BenchmarkReaderAt(b *testing.B) {
	test, err := dataset.LoadMNIST("test")
	if err != nil {
		b.Fatal(err)
	}
	thr, err := dataset.Binarize(test, dataset.Threshold)
	if err != nil {
		b.Fatal(err)
	}
	data := thr.Data
	const n = 10000
	for _, chunk := range []int{DefaultChunkRecords, 100, 10} {
		a, err := EncodeAll(data, nil, WithChunkRecords(chunk))
		if err != nil {
			b.Fatal(err)
		}
		bpd := float64(8*len(a)) / float64(len(data))
		name := fmt.Sprintf("chunk=%d", chunk)
		b.Run(name+"/sequential", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			start := time.Now()
			for b.Loop() {
				if _, err := DecodeAll(a, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*n)/time.Since(start).Seconds(), "records/s")
			b.ReportMetric(bpd, "bits/dim")
		})
		for _, batch := range []int{1, 64} {
			for _, cached := range []bool{false, true} {
				opts := []ROption{}
				label := "cached"
				if !cached {
					opts, label = append(opts, WithChunkCache(0)), "uncached"
				}
				b.Run(fmt.Sprintf("%s/random%d/%s", name, batch, label), func(b *testing.B) {
					z, err := NewReaderAt(bytes.NewReader(a), int64(len(a)), opts...)
					if err != nil {
						b.Fatal(err)
					}
					r := rand.New(rand.NewPCG(uint64(chunk), uint64(batch)))
					var buf []byte
					idx := make([]int64, batch)
					decodes := z.decodes.Load()
					start := time.Now()
					for b.Loop() {
						for j := range idx {
							idx[j] = r.Int64N(n)
						}
						if buf, err = z.AppendBatch(buf[:0], idx); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.N*batch)/time.Since(start).Seconds(), "records/s")
					b.ReportMetric(float64(z.decodes.Load()-decodes)/float64(b.N), "chunks/op")
					b.ReportMetric(bpd, "bits/dim")
				})
			}
		}
	}
}
