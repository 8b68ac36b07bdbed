package simd

// dotInt16Generic is the reference for DotInt16; len(w) == len(x).
func dotInt16Generic(x, w []int16, shift uint) int32 {
	w = w[:len(x)]
	var sum int32
	i := 0
	for ; i+1 < len(x); i += 2 {
		sum += (int32(x[i])*int32(w[i]) + int32(x[i+1])*int32(w[i+1])) >> shift
	}
	if i < len(x) {
		sum += int32(x[i]) * int32(w[i]) >> shift
	}
	return sum
}

// trainInt16Generic is the reference for TrainInt16; len(w) == len(x).
func trainInt16Generic(x, w []int16, err int16) {
	w = w[:len(x)]
	for i, v := range x {
		t := sat16(2 * int32(v))
		t = (t*int32(err)>>16 + 1) >> 1
		w[i] = int16(sat16(int32(w[i]) + t))
	}
}

func sat16(v int32) int32 {
	return min(max(v, -1<<15), 1<<15-1)
}

// dotInt32Generic is the reference for DotInt32; len(w) == len(x).
func dotInt32Generic(x, w []int32) int64 {
	w = w[:len(x)]
	var sum int64
	for i, v := range x {
		sum += int64(v) * int64(w[i])
	}
	return sum
}

// trainInt32Generic is the reference for TrainInt32; len(w) == len(x).
func trainInt32Generic(x, w []int32, err int32, shift uint, limit int32) {
	w = w[:len(x)]
	for i, v := range x {
		t := int64(w[i]) + int64(v)*int64(err)>>shift
		w[i] = int32(min(max(t, -int64(limit)), int64(limit)))
	}
}
