package simd

import "fmt"

// Kernels of a logistic mixer (context mixing, as in paq8px): inputs are
// stretched probabilities st(p) = ln(p/(1-p)) in fixed point, weights are
// int16, the mix is a dot product and learning moves each weight by its
// input times the coding error. Both kernels are exact integer arithmetic,
// specified below, and equal on every level bit for bit.
//
// A mixer of n inputs keeps x and w as []int16 of length n; padding both
// with zeros to a multiple of 8 changes no result and keeps every element
// in the vector loops (the last n%8 are done in Go). A call costs a few
// nanoseconds, so a mixer should make one per weight set, not per input.
// Typical use, paq8's Mixer with 12-bit probabilities and stretch(p) in
// [-2047, 2047] as inputs:
//
//	p := squash(simd.DotInt16(x, w, 8) >> 5)  // before the bit is coded
//	err := int16(((bit << 12) - p) * 7)       // after: 7 is the learning rate
//	simd.TrainInt16(x, w, err)
//
// Inputs should stay within [-16384, 16383], where the training step is the
// rounded product; weights use the full int16 range, saturating.

// DotInt16 returns the mix of inputs x with weights w (len(w) must equal
// len(x)): the sum over pairs k of
//
//	(int32(x[2k])*int32(w[2k]) + int32(x[2k+1])*int32(w[2k+1])) >> shift
//
// in int32 arithmetic modulo 2^32 (as Go's int32 addition wraps), with >>
// arithmetic (floor) and shift in [0, 31]; an odd last element is a pair
// with zero. Pairs are fixed by index, so every vector width sums the same
// terms; the only pair sum that wraps is (-32768)·(-32768)·2, identically on
// every path. shift 0 is the plain dot product; shift 8 is paq8px's
// dot_product, whose per-pair shift keeps a sum of many inputs in range.
func DotInt16(x, w []int16, shift uint) int32 {
	if len(w) != len(x) || shift > 31 {
		panic(fmt.Sprintf("simd: DotInt16 of %d inputs, %d weights, shift %d", len(x), len(w), shift))
	}
	return dotInt16(Current(), x, w, shift)
}

// TrainInt16 moves each weight w[i] (len(w) must equal len(x)) by its
// input times err, as paq8px's train does:
//
//	w[i] = sat16(w[i] + ((sat16(2*x[i]) * err >> 16) + 1) >> 1)
//
// with the product exact in int32, >> arithmetic (floor), and sat16
// clamping to [-32768, 32767]. For x[i] in [-16384, 16383] the step is
// round(x[i]*err / 2^16), halves rounded up; the add saturates instead of
// wrapping, so a weight never flips sign by overflow.
func TrainInt16(x, w []int16, err int16) {
	if len(w) != len(x) {
		panic(fmt.Sprintf("simd: TrainInt16 of %d inputs, %d weights", len(x), len(w)))
	}
	trainInt16(Current(), x, w, err)
}

// Inputs shorter than a vector stay in Go, where a call costs less.
func dotInt16(l Level, x, w []int16, shift uint) int32 {
	if l != Generic && len(x) >= 8 {
		return dotInt16Arch(l, x, w, shift)
	}
	return dotInt16Generic(x, w, shift)
}

func trainInt16(l Level, x, w []int16, err int16) {
	if l != Generic && len(x) >= 8 {
		trainInt16Arch(l, x, w, err)
		return
	}
	trainInt16Generic(x, w, err)
}

// The int32 kernels are for mixers with wider weights and exact sums, as
// vae/cmix's first-layer mixers (TestInt32MatchesCmix spells out that
// they compute its arithmetic): inputs and weights are int32, the dot
// product is exact in int64, and training clamps each weight to a limit:
//
//	d := simd.DotInt32(st, w) >> 16                // st: 24 stretches and a bias
//	e := (int64(bit)<<16 - int64(squash(d))) * rate // |e| <= 2^22 fits int32
//	simd.TrainInt32(st, w, int32(e), 16, weightMax)

// DotInt32 returns the sum of int64(x[i])*int64(w[i]) (len(w) must equal
// len(x)) in int64 arithmetic modulo 2^64: every product is exact, and so
// is the sum of fewer than 2 of the largest ones; below that (any mixer)
// the result is the exact dot product.
func DotInt32(x, w []int32) int64 {
	if len(w) != len(x) {
		panic(fmt.Sprintf("simd: DotInt32 of %d inputs, %d weights", len(x), len(w)))
	}
	return dotInt32(Current(), x, w)
}

// TrainInt32 moves each weight w[i] (len(w) must equal len(x)) by its
// input times err:
//
//	w[i] = int32(clamp(int64(w[i]) + int64(x[i])*int64(err) >> shift, -limit, limit))
//
// with the product exact in int64, >> arithmetic (floor), shift in
// [0, 63] and limit in [0, 2^31-1].
func TrainInt32(x, w []int32, err int32, shift uint, limit int32) {
	if len(w) != len(x) || shift > 63 || limit < 0 {
		panic(fmt.Sprintf("simd: TrainInt32 of %d inputs, %d weights, shift %d, limit %d", len(x), len(w), shift, limit))
	}
	trainInt32(Current(), x, w, err, shift, limit)
}

func dotInt32(l Level, x, w []int32) int64 {
	if l != Generic && len(x) >= 8 {
		return dotInt32Arch(l, x, w)
	}
	return dotInt32Generic(x, w)
}

func trainInt32(l Level, x, w []int32, err int32, shift uint, limit int32) {
	if l != Generic && len(x) >= 8 {
		trainInt32Arch(l, x, w, err, shift, limit)
		return
	}
	trainInt32Generic(x, w, err, shift, limit)
}
