package vae

import "math"

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// softplus returns log(1 + e^x) without overflow.
func softplus(x float64) float64 {
	if x > 30 {
		return x
	}
	if x < -30 {
		return math.Exp(x)
	}
	return math.Log1p(math.Exp(x))
}

// bernoulliNLL returns -log p(x|logits) in nats for one record and sets
// dl to its gradient with respect to the logits.
func bernoulliNLL(logits []float32, x []byte, dl []float32) float64 {
	var s float64
	for i, l := range logits {
		lf := float64(l)
		t := float64(x[i] & 1)
		s += softplus(lf) - t*lf
		if dl != nil {
			dl[i] = float32(sigmoid(lf) - t)
		}
	}
	return s
}

// logisticLogP returns log P(v) for one discretised logistic with mean m
// and log-scale ls (byte units), and its derivatives with respect to m and
// ls. Byte 0 takes (-inf, 0.5], byte 255 takes [254.5, inf).
func logisticLogP(v byte, m, ls float64) (lp, dm, dls float64) {
	inv := math.Exp(-ls)
	c := float64(v) - m
	a := inv * (c + 0.5)
	b := inv * (c - 0.5)
	var ga, gb float64 // d lp / da, d lp / db
	switch v {
	case 0:
		lp = -softplus(-a)
		ga = sigmoid(-a)
	case 255:
		lp = -softplus(b)
		gb = -sigmoid(b)
	default:
		sa, sb := sigmoid(a), sigmoid(b)
		var p float64
		if b > 0 {
			p = sigmoid(-b) - sigmoid(-a)
		} else {
			p = sa - sb
		}
		if p > 1e-12 {
			lp = math.Log(p)
			ga = sa * (1 - sa) / p
			gb = -sb * (1 - sb) / p
		} else {
			// Far in a tail: the bin's mass is its width times the density
			// at its centre, inv·σ'(inv·c).
			t := inv * c
			lp = t - 2*softplus(t) - ls
			g := 1 - 2*sigmoid(t)
			return lp, -g * inv, -g*t - 1
		}
	}
	return lp, -(ga + gb) * inv, -(ga*a + gb*b)
}

// logisticNLL returns -log p(x|out) in nats for one record of a mixture of
// K discretised logistics and sets dout to the gradient. out holds the
// parameters param-major: out[p*R+i] for byte i, with p = 0..K-1 the mean
// inputs, K..2K-1 the log-scale inputs and, when K > 1, 2K..3K-1 the
// mixture logits.
func logisticNLL(out []float32, x []byte, K int, dout []float32) float64 {
	R := len(x)
	var s float64
	var lp, dm, dls, logpi [MaxComponents]float64
	var clamped [MaxComponents]bool
	for i, v := range x {
		for k := range K {
			m := logisticMid * (1 + float64(out[k*R+i]))
			ls := float64(out[(K+k)*R+i]) + logScaleOffset
			clamped[k] = ls < logScaleMin || ls > logScaleMax
			ls = min(max(ls, logScaleMin), logScaleMax)
			lp[k], dm[k], dls[k] = logisticLogP(v, m, ls)
		}
		if K == 1 {
			s -= lp[0]
			if dout != nil {
				dout[i] = float32(-dm[0] * logisticMid)
				if clamped[0] {
					dout[R+i] = 0
				} else {
					dout[R+i] = float32(-dls[0])
				}
			}
			continue
		}
		// log pi = alpha - logsumexp(alpha); total = logsumexp(log pi + lp).
		amax := math.Inf(-1)
		for k := range K {
			amax = max(amax, float64(out[(2*K+k)*R+i]))
		}
		var se float64
		for k := range K {
			se += math.Exp(float64(out[(2*K+k)*R+i]) - amax)
		}
		lse := amax + math.Log(se)
		tmax := math.Inf(-1)
		for k := range K {
			logpi[k] = float64(out[(2*K+k)*R+i]) - lse
			tmax = max(tmax, logpi[k]+lp[k])
		}
		var st float64
		for k := range K {
			st += math.Exp(logpi[k] + lp[k] - tmax)
		}
		total := tmax + math.Log(st)
		s -= total
		if dout != nil {
			for k := range K {
				r := math.Exp(logpi[k] + lp[k] - total) // responsibility
				dout[k*R+i] = float32(-r * dm[k] * logisticMid)
				if clamped[k] {
					dout[(K+k)*R+i] = 0
				} else {
					dout[(K+k)*R+i] = float32(-r * dls[k])
				}
				dout[(2*K+k)*R+i] = float32(math.Exp(logpi[k]) - r)
			}
		}
	}
	return s
}
