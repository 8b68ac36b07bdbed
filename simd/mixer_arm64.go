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

// dotInt32NEON is the DotInt32 reference over the first n&^3 elements:
// SMLAL/SMLAL2 (exact int64 products, accumulated in int64).
//
//go:noescape
func dotInt32NEON(x, w *int32, n int) int64

// trainInt32NEON is the TrainInt32 reference over the first n&^3
// elements: SMULL/SMULL2 by err, SSHL by -shift (arithmetic), SADDW the
// weights, a clamp by CMGT and BIT, and XTN (exact after the clamp):
//
//	for i := 0; i < n&^3; i++ {
//		t := int64(w[i]) + int64(x[i])*int64(err)>>shift
//		w[i] = int32(min(max(t, -int64(limit)), int64(limit)))
//	}
//
//go:noescape
func trainInt32NEON(x, w *int32, n int, err int32, shift uint64, limit int64)

// dotInt32Arch is dotInt32 at level l > Generic for len(x) >= 8.
func dotInt32Arch(_ Level, x, w []int32) int64 {
	n := len(x)
	s := dotInt32NEON(&x[0], &w[0], n)
	if n%4 != 0 {
		s += dotInt32Generic(x[n&^3:], w[n&^3:n])
	}
	return s
}

// trainInt32Arch is trainInt32 at level l > Generic for len(x) >= 8.
func trainInt32Arch(_ Level, x, w []int32, err int32, shift uint, limit int32) {
	n := len(x)
	trainInt32NEON(&x[0], &w[0], n, err, uint64(shift), int64(limit))
	if n%4 != 0 {
		trainInt32Generic(x[n&^3:], w[n&^3:n], err, shift, limit)
	}
}
