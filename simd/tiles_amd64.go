//go:build !noasm && gc

package simd

import "unsafe"

// The tile kernels share one signature. Each computes records 0..r-1 (r at
// most the kernel's R) and 16-output groups 0..c-1 (c at most its C) of a
// layer, reading w in its packed layout (group stride ldw bytes) and
// storing int32 outputs with row stride ldo elements; in has row stride ldi
// bytes. Output lanes whose bit in nmask is clear (only in group c-1) are
// neither read from bias nor stored. bias is nil for none. Their reference
// is matMulGeneric, which the tests hold them to; as loops:
//
//	for i := 0; i < r; i++ {
//		for n := 0; n < 16*c; n++ {
//			if n >= 16*(c-1) && nmask>>(n%16)&1 == 0 {
//				continue
//			}
//			acc := int32(0)
//			if bias != nil {
//				acc = bias[n]
//			}
//			for k := 0; k < K; k++ { // K = 4*kn + bits.OnesCount(ktail) (VNNI), 2*kn + ktail (others)
//				acc += int32(in[i*ldi+k]) * int32(W[n][k])
//			}
//			out[i*ldo+n] = acc
//		}
//	}

// tileVNNI is the loop above for AVX-512 VNNI, R = 6, C = 4, on the quad
// layout: kn = K/4 full quads, ktail = a byte mask of the K%4 bytes left.
//
//go:noescape
func tileVNNI(out *int32, ldo int, in *uint8, ldi int, w unsafe.Pointer, ldw int, kn int, ktail int, bias *int32, nmask int, r int, c int)

// tileAVX512 is the loop above for AVX-512BW, R = 6, C = 4, on the pair
// layout: kn = K/2 full pairs, ktail = K%2.
//
//go:noescape
func tileAVX512(out *int32, ldo int, in *uint8, ldi int, w unsafe.Pointer, ldw int, kn int, ktail int, bias *int32, nmask int, r int, c int)

// tileAVX2 is the loop above for AVX2, R = 2, C = 2, on the pair layout:
// kn = K/2 full pairs, ktail = K%2.
//
//go:noescape
func tileAVX2(out *int32, ldo int, in *uint8, ldi int, w unsafe.Pointer, ldw int, kn int, ktail int, bias *int32, nmask int, r int, c int)

type tileFunc func(out *int32, ldo int, in *uint8, ldi int, w unsafe.Pointer, ldw int, kn int, ktail int, bias *int32, nmask int, r int, c int)

// runTiles walks the output in tiles of rmax records x cmax groups, records
// outermost so each tile's inputs stay in L1 while the weights stream from
// L2. ldw is the packed group stride in bytes.
func runTiles(tile tileFunc, rmax, cmax int, out []int32, in []uint8, batch int, w *PackedMatrix, bias []int32,
	wp unsafe.Pointer, ldw, kn, ktail int) {
	n, k, groups := w.n, w.k, w.groups()
	last := 0xffff
	if n%16 != 0 {
		last = 1<<(n%16) - 1
	}
	for b := 0; b < batch; b += rmax {
		r := min(rmax, batch-b)
		for g := 0; g < groups; g += cmax {
			c := min(cmax, groups-g)
			nmask := 0xffff
			if g+c == groups {
				nmask = last
			}
			var bp *int32
			if bias != nil {
				bp = &bias[g*16]
			}
			tile(&out[b*n+g*16], n, &in[b*k], k, unsafe.Add(wp, g*ldw), ldw, kn, ktail, bp, nmask, r, c)
		}
	}
}
