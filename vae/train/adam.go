package train

import "math"

// adam is the optimiser of Kingma & Ba (2015) over a list of parameter
// slices.
type adam struct {
	beta1, beta2, eps float64
	t                 int
	m, v              [][]float32
}

func newAdam(params [][]float32) *adam {
	a := &adam{beta1: 0.9, beta2: 0.999, eps: 1e-8}
	for _, p := range params {
		a.m = append(a.m, make([]float32, len(p)))
		a.v = append(a.v, make([]float32, len(p)))
	}
	return a
}

// step applies one update with learning rate lr to params given grads.
func (a *adam) step(params, grads [][]float32, lr float64) {
	a.t++
	c1 := 1 - math.Pow(a.beta1, float64(a.t))
	c2 := 1 - math.Pow(a.beta2, float64(a.t))
	step := float32(lr * math.Sqrt(c2) / c1)
	b1, b2 := float32(a.beta1), float32(a.beta2)
	eps := float32(a.eps * math.Sqrt(c2))
	for i, p := range params {
		g, m, v := grads[i], a.m[i], a.v[i]
		for j := range p {
			gj := g[j]
			m[j] = b1*m[j] + (1-b1)*gj
			v[j] = b2*v[j] + (1-b2)*gj*gj
			p[j] -= step * m[j] / (float32(math.Sqrt(float64(v[j]))) + eps)
		}
	}
}
