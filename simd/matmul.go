package simd

import (
	"fmt"
	"sync"
)

// MatMul computes the raw accumulators of a dense layer for batch records:
//
//	out[b*N+n] = bias[n] + sum_{k<K} int32(in[b*K+k]) * int32(W[n][k])
//
// in int32 arithmetic modulo 2^32. bias may be nil (all zero); otherwise
// len(bias) must be N. in must hold at least batch*K bytes and out at least
// batch*N values; only the first batch*N values of out are written. It
// panics on a length mismatch.
func MatMul(out []int32, in []uint8, batch int, w *PackedMatrix, bias []int32) {
	checkMatMul(len(out), in, batch, w, bias)
	matMul(Current(), out, in, batch, w, bias)
}

// MatVec is MatMul for one record: out[n] = bias[n] + sum_k in[k]*W[n][k].
func MatVec(out []int32, in []uint8, w *PackedMatrix, bias []int32) {
	MatMul(out, in, 1, w, bias)
}

// Dense computes a layer's uint8 activations: MatMul followed by
// Requantize. q must have N rows and a clamp range inside 0..255.
func Dense(out []uint8, in []uint8, batch int, w *PackedMatrix, bias []int32, q *Requant) {
	checkMatMul(len(out), in, batch, w, bias)
	checkRequant(q, w.n)
	if q.lo < 0 || q.hi > 255 {
		panic(fmt.Sprintf("simd: Dense into uint8 with clamp range %d..%d", q.lo, q.hi))
	}
	l := Current()
	acc := getScratch(batch * w.n)
	matMul(l, *acc, in, batch, w, bias)
	requantize(l, out, *acc, batch, q)
	putScratch(acc)
}

// DenseInt32 is Dense with int32 outputs: MatMul followed by
// RequantizeInt32. q must have N rows.
func DenseInt32(out []int32, in []uint8, batch int, w *PackedMatrix, bias []int32, q *Requant) {
	checkMatMul(len(out), in, batch, w, bias)
	checkRequant(q, w.n)
	l := Current()
	matMul(l, out, in, batch, w, bias)
	requantizeInt32(l, out, out, batch, q)
}

func checkMatMul(outLen int, in []uint8, batch int, w *PackedMatrix, bias []int32) {
	if batch < 0 || len(in) < batch*w.k || outLen < batch*w.n || (bias != nil && len(bias) != w.n) {
		panic(fmt.Sprintf("simd: %d x %d layer, batch %d, with %d inputs, %d outputs, %d biases",
			w.n, w.k, batch, len(in), outLen, len(bias)))
	}
}

// matMul runs level l; the arguments are checked.
func matMul(l Level, out []int32, in []uint8, batch int, w *PackedMatrix, bias []int32) {
	if batch == 0 || w.n == 0 {
		return
	}
	if l == Generic || w.k == 0 || !matMulArch(l, out, in, batch, w, bias) {
		matMulGeneric(out, in, batch, w, bias)
	}
}

// scratch holds int32 accumulator buffers for Dense, so that steady-state
// calls do not allocate.
var scratch sync.Pool

func getScratch(n int) *[]int32 {
	if p, ok := scratch.Get().(*[]int32); ok && cap(*p) >= n {
		*p = (*p)[:n]
		return p
	}
	s := make([]int32, n)
	return &s
}

func putScratch(p *[]int32) { scratch.Put(p) }
