package cmix

import "math"

// The linear predictor of version 2: a channel of a pixel is predicted as
// a weighted sum of the level indices of its causal neighbours (and, from
// the second channel on, of the earlier channels at and around the pixel),
// with one set of weights per channel and local energy class, fitted by
// least squares to the training records when the model is primed. The
// weights are integers (units of 2^-linShift) and the prediction integer
// arithmetic, so that every coder computes the same one; only the fit
// uses floating point, and its result is stored in the model.

const (
	linClasses = 8
	linInputs  = 16 // W N NW NE WW NN NWW NEE NNW NNE, P Wp Np NEp, P2, 1
	linShift   = 12
	linMax     = 1 << 20 // bound on a weight's magnitude
)

type linear struct {
	w []int32 // per channel, class: linInputs weights
}

// energyEdges are the edges of the energy classes, on the 0..255 scale.
var energyEdges = [linClasses - 1]int{2, 5, 10, 18, 32, 56, 96}

// linInputsAt sets x to the predictor's inputs for channel ch at offset i
// of the padded planes and returns the pixel's energy class.
func (m *Model) linInputsAt(planes []uint8, psz, pw, i, ch int, x *[linInputs]int32) int {
	pl := planes[ch*psz : (ch+1)*psz]
	W, N, NW, NE := int32(pl[i-1]), int32(pl[i-pw]), int32(pl[i-pw-1]), int32(pl[i-pw+1])
	WW, NN := int32(pl[i-2]), int32(pl[i-2*pw])
	*x = [linInputs]int32{W, N, NW, NE, WW, NN, int32(pl[i-pw-2]), int32(pl[i-pw+2]),
		int32(pl[i-2*pw-1]), int32(pl[i-2*pw+1]), 0, 0, 0, 0, 0, 1}
	if ch > 0 {
		pp := planes[(ch-1)*psz : ch*psz]
		x[10], x[11], x[12], x[13] = int32(pp[i]), int32(pp[i-1]), int32(pp[i-pw]), int32(pp[i-pw+1])
	}
	if ch > 1 {
		x[14] = int32(planes[(ch-2)*psz+i])
	}
	e := abs32(W-NW) + abs32(N-NW) + abs32(N-NE) + abs32(W-WW) + abs32(N-NN)
	e = e * 255 / int32(len(m.p.Levels)-1)
	cls := 0
	for _, b := range energyEdges {
		if int(e) >= b {
			cls++
		}
	}
	return cls
}

// linPredict is the prediction, a level index, for the inputs x of
// channel ch in class cls.
func (m *Model) linPredict(x *[linInputs]int32, ch, cls int) int {
	return clampTo(int((m.linAcc(x, ch, cls)+1<<(linShift-1))>>linShift), len(m.p.Levels)-1)
}

// linAcc is the prediction in units of 2^-linShift levels, unclamped.
func (m *Model) linAcc(x *[linInputs]int32, ch, cls int) int64 {
	w := m.lin.w[(ch*linClasses+cls)*linInputs:][:linInputs]
	var acc int64
	for j, v := range x {
		acc += int64(w[j]) * int64(v)
	}
	return acc
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}

// linFitRecords bounds the records the fit reads: more change the weights
// little.
const linFitRecords = 20000

// fitLinear fits the predictor's weights to the codable records of data by
// ridge-regularised least squares, per channel and class. Every product
// is rounded on its own (an explicit conversion: Go may otherwise fuse a
// multiply and an add), so that every platform fits the same weights.
func (m *Model) fitLinear(data []byte) {
	p := m.p
	size := p.RecordSize()
	n := len(data) / size
	step := max(1, n/linFitRecords)
	pw := p.W + 2*pad
	psz := pw * (p.H + pad)
	planes := make([]uint8, psz*p.C)
	sets := p.C * linClasses
	xtx := make([]float64, sets*linInputs*linInputs)
	xty := make([]float64, sets*linInputs)
	var x [linInputs]int32
	for r := 0; r < n; r += step {
		rec := data[r*size : (r+1)*size]
		if !m.Codable(rec) {
			continue
		}
		k := 0
		for y := 0; y < p.H; y++ {
			row := (y+pad)*pw + pad
			for xx := 0; xx < p.W; xx++ {
				for ch := 0; ch < p.C; ch++ {
					planes[ch*psz+row+xx] = uint8(m.index[rec[k]])
					k++
				}
			}
		}
		k = 0
		for y := 0; y < p.H; y++ {
			row := (y+pad)*pw + pad
			for xx := 0; xx < p.W; xx++ {
				for ch := 0; ch < p.C; ch++ {
					cls := m.linInputsAt(planes, psz, pw, row+xx, ch, &x)
					s := ch*linClasses + cls
					a := xtx[s*linInputs*linInputs:][:linInputs*linInputs]
					b := xty[s*linInputs:][:linInputs]
					v := float64(planes[ch*psz+row+xx])
					for i := range x {
						if x[i] == 0 {
							continue
						}
						xi := float64(x[i])
						b[i] += float64(xi * v)
						row := a[i*linInputs:][:linInputs]
						for j := range x {
							row[j] += float64(xi * float64(x[j]))
						}
					}
				}
			}
		}
	}
	for s := 0; s < sets; s++ {
		w := solveRidge(xtx[s*linInputs*linInputs:][:linInputs*linInputs], xty[s*linInputs:][:linInputs])
		for j, v := range w {
			m.lin.w[s*linInputs+j] = int32(max(-linMax, min(linMax, math.Round(float64(v*(1<<linShift))))))
		}
	}
}

// solveRidge solves (A + λI) w = b for a symmetric n×n A, λ a small
// fraction of A's mean diagonal, by Gaussian elimination with partial
// pivoting; a set with no samples gets the weights of W+N-NW's average
// with W and N.
func solveRidge(a, b []float64) []float64 {
	n := len(b)
	tr := 0.0
	for i := 0; i < n; i++ {
		tr += a[i*n+i]
	}
	w := make([]float64, n)
	if tr == 0 {
		w[0], w[1], w[2] = 0.75, 0.75, -0.5
		return w
	}
	lam := 1e-4*tr/float64(n) + 1e-9
	m := make([]float64, n*(n+1))
	for i := 0; i < n; i++ {
		copy(m[i*(n+1):], a[i*n:(i+1)*n])
		m[i*(n+1)+i] += lam
		m[i*(n+1)+n] = b[i]
	}
	for c := 0; c < n; c++ {
		piv := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r*(n+1)+c]) > math.Abs(m[piv*(n+1)+c]) {
				piv = r
			}
		}
		if m[piv*(n+1)+c] == 0 {
			continue
		}
		for k := 0; k <= n; k++ {
			m[c*(n+1)+k], m[piv*(n+1)+k] = m[piv*(n+1)+k], m[c*(n+1)+k]
		}
		for r := 0; r < n; r++ {
			if r == c {
				continue
			}
			f := m[r*(n+1)+c] / m[c*(n+1)+c]
			for k := c; k <= n; k++ {
				m[r*(n+1)+k] -= float64(f * m[c*(n+1)+k])
			}
		}
	}
	for i := 0; i < n; i++ {
		if d := m[i*(n+1)+i]; d != 0 {
			w[i] = m[i*(n+1)+n] / d
		}
	}
	return w
}
