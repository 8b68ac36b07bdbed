package vae

import (
	"fmt"
	"math"
)

// Trainable is implemented by a family with a float training path: the
// float VAE (FloatModel) is trained by gradient with the family's float
// likelihood and its trainable tables, and Quantize turns the tables into
// the family's integer Tables.
type Trainable interface {
	// InputScale is the float encoder input of byte value 1 (1 for
	// binarized records, 1/255 for bytes).
	InputScale() float32
	// Base is the family whose trained models this one can start from
	// (their nets kept, this family's tables at NewFloat), or 0.
	Base() Likelihood
	// NewFloat returns the family's trainable tables at their starting
	// point, nil if it has none.
	NewFloat(a *Arch) [][]float32
	// CheckFloat validates tables read from a float checkpoint.
	CheckFloat(a *Arch, tabs [][]float32) error
	// NLL returns -log p(rec|out) in nats for one record, out the float
	// outputs of the decoder's last layer (parameter-major, Params·R). If
	// dout is not nil it sets dout to the gradient with respect to out and
	// adds the gradients of tabs to grads.
	NLL(a *Arch, tabs [][]float32, out []float32, rec []byte, dout []float32, grads [][]float32) float64
	// OutputUnit says how output n of the decoder's last layer is
	// quantised: its integer value is (raw + shift)·unit.
	OutputUnit(a *Arch, n int) (unit, shift float64)
	// Quantize returns the integer likelihood of trained tables and the
	// likelihood precision of its model file; likPrec is the precision
	// asked for (a family may have a fixed one).
	Quantize(a *Arch, tabs [][]float32, likPrec uint) (Tables, uint, error)
}

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

// checkFloatTables checks that tabs has one table of each of the sizes.
func checkFloatTables(tabs [][]float32, sizes []int) error {
	if len(tabs) != len(sizes) {
		return fmt.Errorf("%d likelihood tables, want %d", len(tabs), len(sizes))
	}
	for i, t := range tabs {
		if len(t) != sizes[i] {
			return fmt.Errorf("likelihood table %d has %d entries, want %d", i, len(t), sizes[i])
		}
	}
	return nil
}
