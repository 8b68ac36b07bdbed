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

// requant8AVX2 is requant8AVX512 for the first n&^3 outputs of each row,
// with the arithmetic shift done as ((v ^ 1<<63) >>> shift[i]) - sbias[i].
//
//go:noescape
func requant8AVX2(out *uint8, acc *int32, n int, batch int, mult *int64, round *int64, shift *uint64, sbias *int64, lo int64, hi int64)

// requant32AVX2 is requant32AVX512 for the first n&^3 outputs of each row.
//
//go:noescape
func requant32AVX2(out *int32, acc *int32, n int, batch int, mult *int64, round *int64, shift *uint64, sbias *int64, lo int64, hi int64)

func requantizeArch(l Level, out []uint8, acc []int32, batch int, q *Requant) bool {
	if l < AVX2 {
		return false
	}
	if batch == 0 || q.n == 0 {
		return true
	}
	if l == AVX2 {
		if q.n < 4 {
			return false
		}
		requant8AVX2(&out[0], &acc[0], q.n, batch, &q.mult[0], &q.round[0], &q.shift[0], &q.sbias[0], int64(q.lo), int64(q.hi))
		requantTails(out, acc, batch, q)
		return true
	}
	requant8AVX512(&out[0], &acc[0], q.n, batch, &q.mult[0], &q.round[0], &q.shift[0], int64(q.lo), int64(q.hi), 1<<(q.n%8)-1)
	return true
}

func requantizeInt32Arch(l Level, out, acc []int32, batch int, q *Requant) bool {
	if l < AVX2 {
		return false
	}
	if batch == 0 || q.n == 0 {
		return true
	}
	if l == AVX2 {
		if q.n < 4 {
			return false
		}
		requant32AVX2(&out[0], &acc[0], q.n, batch, &q.mult[0], &q.round[0], &q.shift[0], &q.sbias[0], int64(q.lo), int64(q.hi))
		requantTails(out, acc, batch, q)
		return true
	}
	requant32AVX512(&out[0], &acc[0], q.n, batch, &q.mult[0], &q.round[0], &q.shift[0], int64(q.lo), int64(q.hi), 1<<(q.n%8)-1)
	return true
}

// requantTails does the last n%4 outputs of each row, which the AVX2
// kernels leave.
func requantTails[T uint8 | int32](out []T, acc []int32, batch int, q *Requant) {
	n := q.n
	for b := range batch {
		for i := n &^ 3; i < n; i++ {
			out[b*n+i] = T(requantOne(acc[b*n+i], q.mult[i], q.round[i], q.shift[i], q.lo, q.hi))
		}
	}
}
