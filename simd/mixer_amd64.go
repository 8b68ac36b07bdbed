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

// dotInt32AVX2 is the DotInt32 reference over the first n&^7 elements:
// VPMULDQ of the even and (shifted down) odd int32 lanes, exact int64
// products, summed with VPADDQ.
//
//go:noescape
func dotInt32AVX2(x, w *int32, n int) int64

// dotInt32AVX512 is dotInt32AVX2 with 16 elements per zmm step.
//
//go:noescape
func dotInt32AVX512(x, w *int32, n int) int64

// trainInt32AVX512 is the TrainInt32 reference over the first n&^7
// elements, eight int64 lanes per step: VPMOVSXDQ, VPMULDQ by err, VPSRAQ,
// VPADDQ the widened weights, VPMINSQ/VPMAXSQ, VPMOVQD (exact after the
// clamp):
//
//	for i := 0; i < n&^7; i++ {
//		t := int64(w[i]) + int64(x[i])*int64(err)>>shift
//		w[i] = int32(min(max(t, -int64(limit)), int64(limit)))
//	}
//
//go:noescape
func trainInt32AVX512(x, w *int32, n int, err int32, shift uint64, limit int64)

// trainInt32AVX2 is trainInt32AVX512 with four int64 lanes per step and
// sbias = 2^63 >> shift (logical), which makes the arithmetic shift.
//
//go:noescape
func trainInt32AVX2(x, w *int32, n int, err int32, shift uint64, limit int64, sbias int64)

// dotInt32Arch is dotInt32 at level l > Generic for len(x) >= 8.
func dotInt32Arch(l Level, x, w []int32) int64 {
	n := len(x)
	var s int64
	if l >= AVX512 {
		s = dotInt32AVX512(&x[0], &w[0], n)
	} else {
		s = dotInt32AVX2(&x[0], &w[0], n)
	}
	if n%8 != 0 {
		s += dotInt32Generic(x[n&^7:], w[n&^7:n])
	}
	return s
}

// trainInt32Arch is trainInt32 at level l > Generic for len(x) >= 8.
func trainInt32Arch(l Level, x, w []int32, err int32, shift uint, limit int32) {
	n := len(x)
	if l >= AVX512 {
		trainInt32AVX512(&x[0], &w[0], n, err, uint64(shift), int64(limit))
	} else {
		trainInt32AVX2(&x[0], &w[0], n, err, uint64(shift), int64(limit), int64(uint64(1<<63)>>shift))
	}
	if n%8 != 0 {
		trainInt32Generic(x[n&^7:], w[n&^7:n], err, shift, limit)
	}
}
