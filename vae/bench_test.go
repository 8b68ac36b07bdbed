package vae

import (
	"testing"

	"github.com/bbans/bbans/ans"
	"github.com/bbans/bbans/simd"
)

// BenchmarkNets measures records/s of the encoder net (record -> posterior
// mean and sigma) and the decoder net (latent buckets -> the coder's
// per-byte parameters) of each built-in model, batched over 64 lanes, on
// the best SIMD level and on the pure-Go reference. Run with GOMAXPROCS=1
// for one core.
func BenchmarkNets(b *testing.B) {
	const batch = 64
	for _, name := range BuiltinNames() {
		m, err := Builtin(name)
		if err != nil {
			b.Fatal(err)
		}
		d := testImages(b, m, batch)
		w := newWorker(m, batch)
		lat := make([]int32, batch*m.Arch.Latent)
		for i := range lat {
			lat[i] = int32((i * 2654435761) % m.buckets.Buckets())
		}
		for _, l := range simd.Levels() {
			run := func(net string, f func()) {
				b.Run(name+"/"+net+"/"+l.String(), func(b *testing.B) {
					defer simd.ForceLevel(l)()
					b.ReportAllocs()
					b.SetBytes(int64(batch * m.Arch.RecordSize))
					for b.Loop() {
						f()
					}
					b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "records/s")
				})
			}
			run("encoder", func() {
				for r := range batch {
					w.setRecord(r, d.Record(r))
				}
				w.encode(batch)
			})
			run("decoder", func() {
				for r := range batch {
					w.setLatent(r, lat[r*m.Arch.Latent:(r+1)*m.Arch.Latent])
				}
				w.decode(batch)
			})
		}
	}
}

// BenchmarkBitsBack measures whole bits-back steps (ans.Encode and
// ans.Decode over 64 lanes) with each built-in model on test images: nets,
// latent codec and likelihood codec together.
func BenchmarkBitsBack(b *testing.B) {
	const lanes = 64
	for _, name := range BuiltinNames() {
		m, err := Builtin(name)
		if err != nil {
			b.Fatal(err)
		}
		d := testImages(b, m, lanes)
		recs := make([][]byte, lanes)
		lat := make([][]int32, lanes)
		for i := range recs {
			recs[i] = d.Record(i)
			lat[i] = make([]int32, m.LatentSize())
		}
		c := m.NewCoder(lanes)
		// Each Encode and Decode is a chunk of one batch for an adaptive
		// likelihood: its decode order is the lanes from the last.
		order := make([][]byte, lanes)
		for i := range order {
			order[i] = recs[lanes-1-i]
		}
		encode := func(msg *ans.Message) {
			c.ChunkStart(order)
			ans.Encode(msg, c, recs, lat)
		}
		b.Run(name+"/encode", func(b *testing.B) {
			b.SetBytes(int64(lanes * m.RecordSize()))
			msg := ans.NewMessage(lanes)
			for b.Loop() {
				encode(msg)
			}
			b.ReportMetric(float64(b.N*lanes)/b.Elapsed().Seconds(), "records/s")
		})
		b.Run(name+"/decode", func(b *testing.B) {
			b.SetBytes(int64(lanes * m.RecordSize()))
			msg := ans.NewMessage(lanes)
			n := 0
			for range 2000 / lanes {
				encode(msg)
				n++
			}
			out := make([][]byte, lanes)
			for i := range out {
				out[i] = make([]byte, m.RecordSize())
			}
			for b.Loop() {
				if n == 0 {
					b.StopTimer()
					for range 2000 / lanes {
						encode(msg)
						n++
					}
					b.StartTimer()
				}
				c.ChunkStart(nil)
				ans.Decode(msg, c, lat, out)
				n--
			}
			b.ReportMetric(float64(b.N*lanes)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
