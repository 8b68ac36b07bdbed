package simd

// matMulGeneric is the reference for MatMul: the definition, one output at a
// time, int32 wrapping.
func matMulGeneric(out []int32, in []uint8, batch int, w *PackedMatrix, bias []int32) {
	n, k := w.n, w.k
	for b := range batch {
		x := in[b*k : (b+1)*k]
		o := out[b*n : (b+1)*n]
		for i := range o {
			row := w.w[i*k : (i+1)*k]
			var acc int32
			if bias != nil {
				acc = bias[i]
			}
			for j, v := range row {
				acc += int32(x[j]) * int32(v)
			}
			o[i] = acc
		}
	}
}
