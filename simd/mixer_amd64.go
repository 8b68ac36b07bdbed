//go:build !noasm && gc

package simd

// dotInt16AVX2 is the DotInt16 reference over the first n&^7 elements
// (16 per ymm step, then one xmm step):
//
//	for k := 0; k < n&^7; k += 2 {
//		sum += (int32(x[k])*int32(w[k]) + int32(x[k+1])*int32(w[k+1])) >> shift
//	}
//
//go:noescape
func dotInt16AVX2(x, w *int16, n int, shift uint64) int32

// dotInt16AVX512 is dotInt16AVX2 with 32 elements per zmm step.
//
//go:noescape
func dotInt16AVX512(x, w *int16, n int, shift uint64) int32

// trainInt16AVX2 is the TrainInt16 reference over the first n&^7
// elements:
//
//	for i := 0; i < n&^7; i++ {
//		t := sat16(2 * int32(x[i]))
//		w[i] = int16(sat16(int32(w[i]) + (t*int32(err)>>16+1)>>1))
//	}
//
// as VPADDSW x+x, VPMULHW by err, VPADDSW 1 (never saturates: |t*err>>16|
// <= 2^14), VPSRAW 1, VPADDSW w.
//
//go:noescape
func trainInt16AVX2(x, w *int16, n int, err int16)

// trainInt16AVX512 is trainInt16AVX2 with 32 elements per zmm step.
//
//go:noescape
func trainInt16AVX512(x, w *int16, n int, err int16)

// dotInt16Arch is dotInt16 at level l > Generic for len(x) >= 8.
func dotInt16Arch(l Level, x, w []int16, shift uint) int32 {
	n := len(x)
	var s int32
	if l >= AVX512 {
		s = dotInt16AVX512(&x[0], &w[0], n, uint64(shift))
	} else {
		s = dotInt16AVX2(&x[0], &w[0], n, uint64(shift))
	}
	if n%8 != 0 {
		s += dotInt16Generic(x[n&^7:], w[n&^7:n], shift)
	}
	return s
}

// trainInt16Arch is trainInt16 at level l > Generic for len(x) >= 8.
func trainInt16Arch(l Level, x, w []int16, err int16) {
	n := len(x)
	if l >= AVX512 {
		trainInt16AVX512(&x[0], &w[0], n, err)
	} else {
		trainInt16AVX2(&x[0], &w[0], n, err)
	}
	if n%8 != 0 {
		trainInt16Generic(x[n&^7:], w[n&^7:n], err)
	}
}
