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
