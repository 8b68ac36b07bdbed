//go:build !noasm && gc

package simd

import (
	"unsafe"

	"github.com/klauspost/cpuid/v2"
)

func detect() Level {
	for l := NEONDot; l > Generic; l-- {
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
	case NEON:
		return cpuid.CPU.Supports(cpuid.ASIMD)
	case NEONDot:
		return cpuid.CPU.Supports(cpuid.ASIMD, cpuid.ASIMDDP)
	}
	return false
}

func packArch(m *PackedMatrix) {
	if supported(NEONDot) {
		m.quad = packQuad(m)
	}
}

// tileNEON computes records 0..r-1 (r <= 6) of one 16-output group on the
// quad layout, with w at the group's first block, kn = K/4 full quads and
// ktail = K%4; bias holds 16 values, already including 128*RowSums. The
// signed SDOT sees in^0x80 = in-128, so the reference is:
//
//	for i := 0; i < r; i++ {
//		for n := 0; n < 16; n++ {
//			acc := bias[n] // = b[n] + 128*sum_k W[n][k]
//			for k := 0; k < K; k++ {
//				acc += int32(int8(in[i*ldi+k]^0x80)) * int32(W[n][k])
//			}
//			out[i*ldo+n] = acc
//		}
//	}
//
//go:noescape
func tileNEON(out *int32, ldo int, in *uint8, ldi int, w *int8, kn int, ktail int, bias *int32, r int)

// matMulArch walks the output in tiles of 6 records x 16 outputs. A
// partial last group is computed into tmp and copied, since NEON has no
// masked stores.
func matMulArch(l Level, out []int32, in []uint8, batch int, w *PackedMatrix, bias []int32) bool {
	if l != NEONDot {
		return false
	}
	n, k, groups := w.n, w.k, w.groups()
	// 128*RowSums turns the signed products back into unsigned ones.
	adj := getScratch(groups * 16)
	b128 := *adj
	for i := range b128 {
		b128[i] = 0
		if i < n {
			b128[i] = 128 * w.rowSum[i]
			if bias != nil {
				b128[i] += bias[i]
			}
		}
	}
	ldw := (k + 3) / 4 * 64
	var tmp [6 * 16]int32
	for b := 0; b < batch; b += 6 {
		r := min(6, batch-b)
		x := &in[b*k]
		for g := range groups {
			wp := (*int8)(unsafe.Pointer(&w.quad[g*ldw]))
			if (g+1)*16 <= n {
				tileNEON(&out[b*n+g*16], n, x, k, wp, k/4, k%4, &b128[g*16], r)
				continue
			}
			tileNEON(&tmp[0], 16, x, k, wp, k/4, k%4, &b128[g*16], r)
			for i := range r {
				copy(out[(b+i)*n+g*16:(b+i+1)*n], tmp[i*16:])
			}
		}
	}
	putScratch(adj)
	return true
}

func requantizeArch(Level, []uint8, []int32, int, *Requant) bool { return false }

func requantizeInt32Arch(Level, []int32, []int32, int, *Requant) bool { return false }
