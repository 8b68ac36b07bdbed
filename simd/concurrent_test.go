package simd

import (
	"math/rand/v2"
	"sync"
	"testing"
)

// TestConcurrent shares one PackedMatrix and Requant between goroutines,
// as stream workers do; run it with -race.
func TestConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	const batch, n, k = 5, 33, 100
	wv := make([]int8, n*k)
	fillW(rng, wv, fillRandom)
	w := Pack(wv, n, k)
	q, _, _ := randRequant(rng, n, 0, 255)
	in := make([]uint8, batch*k)
	fillIn(rng, in, fillRandom)
	want := make([]uint8, batch*n)
	acc := make([]int32, batch*n)
	matMulGeneric(acc, in, batch, w, nil)
	requantizeGeneric(want, acc, batch, q)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			out := make([]uint8, batch*n)
			for range 200 {
				Dense(out, in, batch, w, nil, q)
				for i := range out {
					if out[i] != want[i] {
						t.Errorf("element %d = %d, want %d", i, out[i], want[i])
						return
					}
				}
			}
		})
	}
	wg.Wait()
}
