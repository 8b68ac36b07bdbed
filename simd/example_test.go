package simd_test

import (
	"fmt"

	"github.com/bbans/bbans/simd"
)

// A 3-input, 2-output layer on a batch of two records: raw accumulators,
// then uint8 activations with a ReLU and a scale of 1/4 (mult 1, shift 2).
func Example() {
	w := simd.Pack([]int8{
		1, 2, 3, // output 0
		-1, 0, 1, // output 1
	}, 2, 3)
	in := []uint8{
		10, 20, 30, // record 0
		255, 0, 1, // record 1
	}
	bias := []int32{4, 0}

	acc := make([]int32, 2*2)
	simd.MatMul(acc, in, 2, w, bias)
	fmt.Println(acc)

	q, err := simd.NewRequant([]int32{1, 1}, []uint8{2, 2}, 0, 255)
	if err != nil {
		panic(err)
	}
	act := make([]uint8, 2*2)
	simd.Dense(act, in, 2, w, bias, q)
	fmt.Println(act)
	// Output:
	// [144 20 262 -254]
	// [36 5 66 0]
}

// Signed activations (a latent sample) go in offset by 128, with
// -128*RowSums folded into the bias.
func Example_signedInputs() {
	w := simd.Pack([]int8{3, -2}, 1, 2)
	z := []int8{-5, 7} // want 3*-5 + -2*7 = -29
	in := []uint8{uint8(int(z[0]) + 128), uint8(int(z[1]) + 128)}
	bias := []int32{-128 * w.RowSums()[0]}
	out := make([]int32, 1)
	simd.MatVec(out, in, w, bias)
	fmt.Println(out[0])
	// Output: -29
}

// A mixer of four inputs (stretched probabilities, paq8's scale) sees a run
// of 1 bits: the weights of the inputs that predicted a 1 grow, the weight
// of the one that predicted a 0 shrinks, that of the silent one stays, and
// the mix (2348 of 4096 at first) moves towards 4095.
func ExampleTrainInt16() {
	x := []int16{1000, -1000, 300, 0} // stretch(p) of four models
	w := []int16{8192, 8192, 8192, 8192}
	for range 20 {
		p := 2048 + int(simd.DotInt16(x, w, 8)>>5) // a linear stand-in for squash
		const bit = 1                              // the first model is right
		err := int16((bit<<12 - min(max(p, 1), 4095)) * 7)
		simd.TrainInt16(x, w, err)
	}
	fmt.Println(w, 2048+simd.DotInt16(x, w, 8)>>5)
	// Output: [11103 5281 9064 8192] 3090
}
