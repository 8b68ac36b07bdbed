package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// benchShapes are the model layers as inputs x outputs (K x N).
var benchShapes = [][2]int{
	{784, 100}, {100, 80}, {40, 100}, {100, 784},
	{784, 200}, {200, 784}, {200, 100}, {50, 200}, {784, 500},
}

var benchBatches = []int{1, 8, 32, 256}

// reportGMACs reports multiply-accumulates per second.
func reportGMACs(b *testing.B, macs int) {
	b.ReportMetric(float64(macs)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
}

// BenchmarkMatMul runs every level, then gonum's float32 Sgemm on the same
// shape, so the ratios are in one run: go test -run x -bench MatMul -cpu 1.
func BenchmarkMatMul(b *testing.B) {
	for _, s := range benchShapes {
		k, n := s[0], s[1]
		rng := rand.New(rand.NewPCG(1, 1))
		wv := make([]int8, n*k)
		fillW(rng, wv, fillRandom)
		w := Pack(wv, n, k)
		bias := make([]int32, n)
		for _, batch := range benchBatches {
			in := make([]uint8, batch*k)
			fillIn(rng, in, fillRandom)
			out := make([]int32, batch*n)
			macs := batch * n * k
			for _, l := range Levels() {
				b.Run(fmt.Sprintf("%dx%d/b%d/%v", k, n, batch, l), func(b *testing.B) {
					b.SetBytes(int64(len(in)))
					b.ReportAllocs()
					for b.Loop() {
						matMul(l, out, in, batch, w, bias)
					}
					reportGMACs(b, macs)
				})
			}
			b.Run(fmt.Sprintf("%dx%d/b%d/gonum-f32", k, n, batch), func(b *testing.B) {
				a := make([]float32, batch*k)
				for i, v := range in {
					a[i] = float32(v)
				}
				wf := make([]float32, n*k)
				for i, v := range wv {
					wf[i] = float32(v)
				}
				c := make([]float32, batch*n)
				var impl gonum.Implementation
				b.SetBytes(int64(len(in)))
				for b.Loop() {
					// C (batch x N) = A (batch x K) * W^T, W row-major N x K.
					impl.Sgemm(blas.NoTrans, blas.Trans, batch, n, k, 1, a, k, wf, k, 0, c, n)
				}
				reportGMACs(b, macs)
			})
		}
	}
}

// BenchmarkDense is MatMul plus requantisation to uint8, at each level.
func BenchmarkDense(b *testing.B) {
	for _, s := range benchShapes[:4] {
		k, n := s[0], s[1]
		rng := rand.New(rand.NewPCG(2, 2))
		wv := make([]int8, n*k)
		fillW(rng, wv, fillRandom)
		w := Pack(wv, n, k)
		bias := make([]int32, n)
		mult, shift := make([]int32, n), make([]uint8, n)
		for i := range mult {
			mult[i], shift[i] = 1<<30+int32(i), 40
		}
		q, err := NewRequant(mult, shift, 0, 255)
		if err != nil {
			b.Fatal(err)
		}
		for _, batch := range benchBatches {
			in := make([]uint8, batch*k)
			fillIn(rng, in, fillRandom)
			out := make([]uint8, batch*n)
			for _, l := range Levels() {
				b.Run(fmt.Sprintf("%dx%d/b%d/%v", k, n, batch, l), func(b *testing.B) {
					defer ForceLevel(l)()
					b.ReportAllocs()
					for b.Loop() {
						Dense(out, in, batch, w, bias, q)
					}
					reportGMACs(b, batch*n*k)
				})
			}
		}
	}
}

// BenchmarkMixer runs DotInt16 and TrainInt16 at the sizes of mixers, on
// every level (Generic is the plain Go loop), so the ratios are in one run:
// go test -run x -bench Mixer ./simd.
func BenchmarkMixer(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, n := range []int{8, 16, 32, 64} {
		x := make([]int16, n)
		w := make([]int16, n)
		fillInt16(rng, x, fillZero) // the stretch range
		fillInt16(rng, w, fillRandom)
		for _, l := range Levels() {
			b.Run(fmt.Sprintf("dot/n=%d/%v", n, l), func(b *testing.B) {
				var s int32
				for b.Loop() {
					s += dotInt16(l, x, w, 8)
				}
				benchSink = s
			})
		}
		for _, l := range Levels() {
			b.Run(fmt.Sprintf("train/n=%d/%v", n, l), func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					trainInt16(l, x, w, int16(i&255-128))
				}
			})
		}
	}
}

var benchSink int32

// BenchmarkMixerInterleaved times bursts of 1000 calls on every level in
// turn and reports the fastest burst of each in ns per call: on a shared
// machine interleaving exposes all levels to the same load, and the
// fastest burst is the one least disturbed by it. n = 25 is vae/cmix's
// mixer (24 contexts and a bias).
func BenchmarkMixerInterleaved(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, n := range []int{8, 16, 25, 32, 64} {
		x := make([]int16, n)
		w := make([]int16, n)
		fillInt16(rng, x, fillZero)
		fillInt16(rng, w, fillRandom)
		x32 := make([]int32, n)
		w32 := make([]int32, n)
		fillInt32(rng, x32, fillZero, 2047)
		fillInt32(rng, w32, fillZero, 1<<22)
		ops := map[string]func(l Level, j int) int64{
			"dot16":   func(l Level, _ int) int64 { return int64(dotInt16(l, x, w, 8)) },
			"train16": func(l Level, j int) int64 { trainInt16(l, x, w, int16(j&255-128)); return 0 },
			"dot32":   func(l Level, _ int) int64 { return dotInt32(l, x32, w32) },
			"train32": func(l Level, j int) int64 { trainInt32(l, x32, w32, int32(j&255-128)<<14, 16, 1<<22); return 0 },
		}
		for _, op := range []string{"dot16", "train16", "dot32", "train32"} {
			run := ops[op]
			b.Run(fmt.Sprintf("%s/n=%d", op, n), func(b *testing.B) {
				ls := Levels()
				best := make([]time.Duration, len(ls))
				for i := range best {
					best[i] = 1 << 62
				}
				const burst = 1000
				var s int64
				for b.Loop() {
					for i, l := range ls {
						t0 := time.Now()
						for j := range burst {
							s += run(l, j)
						}
						best[i] = min(best[i], time.Since(t0))
					}
				}
				benchSink = int32(s)
				for i, l := range ls {
					b.ReportMetric(float64(best[i].Nanoseconds())/burst, l.String()+"-ns/call")
				}
				b.ReportMetric(float64(best[0])/float64(best[len(ls)-1]), "generic/"+ls[len(ls)-1].String())
			})
		}
	}
}
