package stream

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/bbans/bbans/vae/dataset"
)

// memoryCase is one mode of BenchmarkMemory: what is coded, how.
type memoryCase struct {
	name string
	data func(b *testing.B, records int) []byte // at least records x chunks records
	opts []WOption
	ropt []ROption
}

// mnistTrain returns n records of the MNIST training images, binarized as
// bz says, repeated if n is more than there are.
func mnistTrain(b *testing.B, n int, bz dataset.Binarization) []byte {
	d, err := dataset.LoadMNIST("train")
	if err != nil {
		b.Skip("MNIST:", err)
	}
	s, err := dataset.Binarize(d, bz)
	if err != nil {
		b.Fatal(err)
	}
	out := make([]byte, 0, n*784)
	for len(out) < n*784 {
		out = append(out, s.Data[:min(len(s.Data), n*784-len(out))]...)
	}
	return out
}

func builtinModel(b *testing.B, name string) Model {
	m, err := Lookup(name)
	if err != nil {
		b.Fatal(err)
	}
	m.Codable(make([]byte, m.RecordSize())) // parsed now, not while measured
	return m
}

// BenchmarkMemory measures the peak live heap of compressing and
// decompressing chunks chunks in each mode, for chunk sizes and thread
// counts; it reports MiB and the same in chunks. It measures, it does not
// time: run it with -benchtime 1x, e.g.
//
//	go test -run '^$' -bench 'BenchmarkMemory/brotli' -benchtime 1x ./stream
func BenchmarkMemory(b *testing.B) {
	const chunks = 12
	// Built-in models are parsed on first use (a Writer given none looks
	// at each): parse them now, so that the figures are the stream's.
	for _, m := range Models() {
		m.Codable(make([]byte, m.RecordSize()))
	}
	text := func(b *testing.B, records int) []byte { return pseudoText(records*784*chunks, 1) }
	random := func(b *testing.B, records int) []byte { return randomBytes(records*784*chunks, 2) }
	cases := []memoryCase{
		{"8bit", func(b *testing.B, n int) []byte { return mnistTrain(b, n*chunks, dataset.None) }, []WOption{WithModel(builtinModel(b, "mnist-cm"))}, nil},
		{"binarized", func(b *testing.B, n int) []byte { return mnistTrain(b, n*chunks, dataset.Threshold) }, []WOption{WithModel(builtinModel(b, "mnist-bin-ar"))}, nil},
		{"embedded", func(b *testing.B, n int) []byte { return mnistTrain(b, n*chunks, dataset.Threshold) }, []WOption{WithModel(builtinModel(b, "mnist-bin-ar")), WithEmbeddedModel(true)}, nil},
		{"stored", random, nil, nil},
		{"stored-nogeneral", random, []WOption{WithGeneralCodec(false)}, nil},
		{"zstd", text, []WOption{WithEncoderLevel(3)}, nil},
		{"zstd-best", text, []WOption{WithEncoderLevel(11)}, nil},
		{"brotli", text, nil, nil},
		{"brotli11", text, []WOption{WithEncoderLevel(19)}, nil},
	}
	for _, c := range cases {
		for _, records := range []int{100, 1000, 2500} {
			for _, conc := range []int{1, 2, 4} {
				b.Run(fmt.Sprintf("%s/chunk=%d/T=%d", c.name, records, conc), func(b *testing.B) {
					data := c.data(b, records)
					chunk := float64(records * 784)
					opts := append([]WOption{WithChunkRecords(records), WithEncoderConcurrency(conc)}, c.opts...)
					var err error
					w := minPeakHeap(2, func() {
						var z *Writer
						if z, err = NewWriter(discard{}, opts...); err != nil {
							return
						}
						if _, err = z.Write(data); err == nil {
							err = z.Close()
						}
					})
					if err != nil {
						b.Fatal(err)
					}
					a, err := EncodeAll(data, nil, opts...)
					if err != nil {
						b.Fatal(err)
					}
					r := minPeakHeap(2, func() {
						var z *Reader
						if z, err = NewReader(bytes.NewReader(a), append([]ROption{WithDecoderConcurrency(conc)}, c.ropt...)...); err != nil {
							return
						}
						_, err = z.WriteTo(discard{})
						z.Close()
					})
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(w)/(1<<20), "compress-MiB")
					b.ReportMetric(float64(r)/(1<<20), "decompress-MiB")
					b.ReportMetric(float64(w)/chunk, "compress-chunks")
					b.ReportMetric(float64(r)/chunk, "decompress-chunks")
					b.ReportMetric(float64(len(a))/float64(len(data)), "ratio")
				})
			}
		}
	}
}
