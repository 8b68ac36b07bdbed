//go:build !noasm && gc

package simd

// requant8AVX512 requantises batch rows of n accumulators into bytes;
// tmask = 1<<(n%8) - 1 masks the last partial step of a row. Reference:
//
//	for b := 0; b < batch; b++ {
//		for i := 0; i < n; i++ {
//			v := (int64(acc[b*n+i])*mult[i] + round[i]) >> shift[i]
//			out[b*n+i] = uint8(min(max(v, lo), hi))
//		}
//	}
//
//go:noescape
func requant8AVX512(out *uint8, acc *int32, n int, batch int, mult *int64, round *int64, shift *uint64, lo int64, hi int64, tmask int)

// requant32AVX512 is requant8AVX512 into int32 (out may be acc):
//
//	out[b*n+i] = int32(min(max(v, lo), hi))
//
//go:noescape
func requant32AVX512(out *int32, acc *int32, n int, batch int, mult *int64, round *int64, shift *uint64, lo int64, hi int64, tmask int)

func requantizeArch(l Level, out []uint8, acc []int32, batch int, q *Requant) bool {
	if l < AVX512 {
		return false
	}
	if batch > 0 && q.n > 0 {
		requant8AVX512(&out[0], &acc[0], q.n, batch, &q.mult[0], &q.round[0], &q.shift[0], int64(q.lo), int64(q.hi), 1<<(q.n%8)-1)
	}
	return true
}

func requantizeInt32Arch(l Level, out, acc []int32, batch int, q *Requant) bool {
	if l < AVX512 {
		return false
	}
	if batch > 0 && q.n > 0 {
		requant32AVX512(&out[0], &acc[0], q.n, batch, &q.mult[0], &q.round[0], &q.shift[0], int64(q.lo), int64(q.hi), 1<<(q.n%8)-1)
	}
	return true
}
