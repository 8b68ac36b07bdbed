package testsets

// resample scales a grey image of w x h bytes to nw x nh by area averaging,
// in integers so that every machine makes the same bytes: output pixel
// (X, Y) covers the input rectangle [X*w/nw, (X+1)*w/nw) x [Y*h/nh,
// (Y+1)*h/nh); measured in units of 1/(nw*nh) of an input pixel's area,
// input pixel (x, y) overlaps it by ox(x) * oy(y), where ox(x) is the
// length of [x*nw, (x+1)*nw) intersected with [X*w, (X+1)*w). The weights
// sum to w*h, so the output is the weighted sum over w*h, rounded half up.
func resample(pix []byte, w, h, nw, nh int) []byte {
	out := make([]byte, nw*nh)
	for Y := range nh {
		for X := range nw {
			var sum int64
			for y := Y * h / nh; y < h && y*nh < (Y+1)*h; y++ {
				oy := overlap(y*nh, (y+1)*nh, Y*h, (Y+1)*h)
				for x := X * w / nw; x < w && x*nw < (X+1)*w; x++ {
					ox := overlap(x*nw, (x+1)*nw, X*w, (X+1)*w)
					sum += int64(ox*oy) * int64(pix[y*w+x])
				}
			}
			area := int64(w * h)
			out[Y*nw+X] = byte((2*sum + area) / (2 * area))
		}
	}
	return out
}

// overlap returns the length of [a0, a1) intersected with [b0, b1).
func overlap(a0, a1, b0, b1 int) int {
	return max(0, min(a1, b1)-max(a0, b0))
}

// luma returns the grey level of an RGB pixel, ITU-R BT.601's
// Y = 0.299 R + 0.587 G + 0.114 B, in integers, rounded.
func luma(r, g, b byte) byte {
	return byte((299*int(r) + 587*int(g) + 114*int(b) + 500) / 1000)
}
