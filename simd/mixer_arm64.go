//go:build !noasm && gc

package simd

// dotInt16NEON is the DotInt16 reference over the first n&^7 elements,
// eight per step:
//
//	for k := 0; k < n&^7; k += 2 {
//		sum += (int32(x[k])*int32(w[k]) + int32(x[k+1])*int32(w[k+1])) >> shift
//	}
//
//go:noescape
func dotInt16NEON(x, w *int16, n int, shift uint64) int32

// trainInt16NEON is the TrainInt16 reference over the first n&^7
// elements:
//
//	for i := 0; i < n&^7; i++ {
//		t := sat16(2 * int32(x[i]))
//		w[i] = int16(sat16(int32(w[i]) + (t*int32(err)>>16+1)>>1))
//	}
//
//go:noescape
func trainInt16NEON(x, w *int16, n int, err int16)

// dotInt16Arch is dotInt16 at level l > Generic (NEON or NEONDot) for
// len(x) >= 8.
func dotInt16Arch(_ Level, x, w []int16, shift uint) int32 {
	n := len(x)
	s := dotInt16NEON(&x[0], &w[0], n, uint64(shift))
	if n%8 != 0 {
		s += dotInt16Generic(x[n&^7:], w[n&^7:n], shift)
	}
	return s
}

// trainInt16Arch is trainInt16 at level l > Generic for len(x) >= 8.
func trainInt16Arch(_ Level, x, w []int16, err int16) {
	n := len(x)
	trainInt16NEON(&x[0], &w[0], n, err)
	if n%8 != 0 {
		trainInt16Generic(x[n&^7:], w[n&^7:n], err)
	}
}
