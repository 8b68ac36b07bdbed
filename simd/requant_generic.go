package simd

// requantOne is the definition: scale, round half up, floor shift, clamp.
func requantOne(a int32, mult int64, round int64, shift uint64, lo, hi int32) int32 {
	v := (int64(a)*mult + round) >> shift
	if v < int64(lo) {
		return lo
	}
	if v > int64(hi) {
		return hi
	}
	return int32(v)
}

// requantizeGeneric is the reference for Requantize.
func requantizeGeneric(out []uint8, acc []int32, batch int, q *Requant) {
	n := q.n
	for b := range batch {
		a, o := acc[b*n:(b+1)*n], out[b*n:(b+1)*n]
		for i, v := range a {
			o[i] = uint8(requantOne(v, q.mult[i], q.round[i], q.shift[i], q.lo, q.hi))
		}
	}
}

// requantizeInt32Generic is the reference for RequantizeInt32.
func requantizeInt32Generic(out, acc []int32, batch int, q *Requant) {
	n := q.n
	for b := range batch {
		a, o := acc[b*n:(b+1)*n], out[b*n:(b+1)*n]
		for i, v := range a {
			o[i] = requantOne(v, q.mult[i], q.round[i], q.shift[i], q.lo, q.hi)
		}
	}
}
