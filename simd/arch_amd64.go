//go:build !noasm && gc

package simd

import (
	"unsafe"

	"github.com/klauspost/cpuid/v2"
)

// detect returns the best level the CPU (and OS, which cpuid checks via
// XGETBV) supports.
func detect() Level {
	for l := AVX512VNNI; l > Generic; l-- {
		if supported(l) {
			return l
		}
	}
	return Generic
}

func supported(l Level) bool {
	switch l {
	case Generic:
		return true
	case AVX2:
		return cpuid.CPU.Supports(cpuid.AVX2)
	case AVX512:
		return cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL)
	case AVX512VNNI:
		return cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL, cpuid.AVX512VNNI)
	}
	return false
}

// packArch builds every layout a supported level reads, so that a matrix
// packed before ForceLevel still serves every level.
func packArch(m *PackedMatrix) {
	if supported(AVX512VNNI) {
		m.quad = packQuad(m)
	}
	if supported(AVX2) || supported(AVX512) {
		m.pair = packPair(m)
	}
}

// matMulArch runs level l's tiles; w.k > 0 and batch, w.n > 0.
func matMulArch(l Level, out []int32, in []uint8, batch int, w *PackedMatrix, bias []int32) bool {
	switch l {
	case AVX512VNNI:
		kq := (w.k + 3) / 4
		runTiles(tileVNNI, 6, 4, out, in, batch, w, bias, unsafe.Pointer(&w.quad[0]), kq*64, w.k/4, 1<<(w.k%4)-1)
	case AVX512:
		kp := (w.k + 1) / 2
		runTiles(tileAVX512, 6, 4, out, in, batch, w, bias, unsafe.Pointer(&w.pair[0]), kp*64, w.k/2, w.k%2)
	case AVX2:
		kp := (w.k + 1) / 2
		runTiles(tileAVX2, 2, 2, out, in, batch, w, bias, unsafe.Pointer(&w.pair[0]), kp*64, w.k/2, w.k%2)
	default:
		return false
	}
	return true
}
