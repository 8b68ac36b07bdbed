package simd

import (
	"math/rand/v2"
	"testing"
)

// FuzzMatMul cross-checks every level on shapes and bytes from the fuzzer;
// weights and inputs are the data bytes, so extremes come up quickly.
// Shapes are bounded to what reaches every path of the kernels: batches of
// up to 13 rows (two of the largest tile, 6 rows, and every remainder), up
// to 80 outputs (one 64-column tile and a partial one, every remainder of
// the 16-column groups), and inputs of up to 71 (every remainder of the
// pairs and quads they are packed in, past 64); larger shapes only repeat
// the same code, at a cost in proportion to their size.
func FuzzMatMul(f *testing.F) {
	f.Add(uint8(1), uint8(16), uint8(4), []byte{255, 255, 255, 255, 128, 128, 128, 128})
	f.Add(uint8(7), uint8(17), uint8(5), []byte{0, 1, 127, 128, 255})
	f.Add(uint8(13), uint8(79), uint8(71), []byte{255, 128})
	f.Fuzz(func(t *testing.T, batch, n, k uint8, data []byte) {
		b, nn, kk := int(batch%14), int(n%80)+1, int(k%72)
		in := make([]uint8, b*kk)
		wv := make([]int8, nn*kk)
		rng := rand.New(rand.NewPCG(uint64(len(data)), 1))
		for i := range in {
			in[i] = pick(data, rng)
		}
		for i := range wv {
			wv[i] = int8(pick(data, rng))
		}
		w := Pack(wv, nn, kk)
		var bias []int32
		if len(data)%2 == 1 {
			bias = make([]int32, nn)
			for i := range bias {
				bias[i] = int32(rng.Uint32())
			}
		}
		checkLevels(t, "fuzz", b*nn, func(l Level, res []int32) {
			out, check := guarded(t, b*nn)
			matMul(l, out, in, b, w, bias)
			check()
			copy(res, out)
		})
	})
}

func pick(data []byte, rng *rand.Rand) byte {
	if len(data) == 0 {
		return byte(rng.Uint32())
	}
	return data[rng.IntN(len(data))]
}
