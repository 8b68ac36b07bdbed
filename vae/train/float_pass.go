package train

import (
	"math"
	"math/rand/v2"

	"github.com/bbans/bbans/vae"
)

// pass holds the activations and gradients of one minibatch.
type pass struct {
	m      *FloatModel
	n      int         // records in the batch
	x      []float32   // n x RecordSize inputs
	rec    [][]byte    // the records
	enc    [][]float32 // output of each encoder layer (post-ReLU if hidden)
	eps    []float32   // n x d standard normal draws
	z      []float32   // n x d quantised latent fed to the decoder
	dec    [][]float32 // output of each decoder layer
	dAct   [][]float32 // scratch gradients, one per layer output
	dz     []float32
	gW, gB [][]float32 // gradients of every layer, encoder first
	gLik   [][]float32 // gradients of m.Lik, the likelihood's tables
	tr     vae.Trainable
}

func newPass(m *FloatModel, maxN int) *pass {
	p := &pass{m: m, x: make([]float32, maxN*m.Arch.RecordSize)}
	d := m.Arch.Latent
	p.eps = make([]float32, maxN*d)
	p.z = make([]float32, maxN*d)
	p.dz = make([]float32, maxN*d)
	for _, l := range m.Enc {
		p.enc = append(p.enc, make([]float32, maxN*l.Out))
	}
	for _, l := range m.Dec {
		p.dec = append(p.dec, make([]float32, maxN*l.Out))
	}
	for _, l := range m.layers() {
		p.dAct = append(p.dAct, make([]float32, maxN*l.Out))
		p.gW = append(p.gW, make([]float32, len(l.W)))
		p.gB = append(p.gB, make([]float32, len(l.B)))
	}
	for _, t := range m.Lik {
		p.gLik = append(p.gLik, make([]float32, len(t)))
	}
	p.tr = m.Arch.Likelihood.Trainable()
	return p
}

func relu(v []float32) {
	for i, x := range v {
		if x < 0 {
			v[i] = 0
		}
	}
}

// forward runs the batch of records through encoder and decoder with the
// given noise source (nil: the posterior mean), and returns the batch's
// total negative ELBO in nats. With grad it also leaves the gradients of
// that total in gW, gB.
func (p *pass) forward(recs [][]byte, rng *rand.Rand, grad bool) float64 {
	m := p.m
	a := &m.Arch
	n, R, d := len(recs), a.RecordSize, a.Latent
	p.n, p.rec = n, recs
	sc := inputScale(a)
	for r, rec := range recs {
		row := p.x[r*R : (r+1)*R]
		for i, v := range rec {
			row[i] = float32(v) * sc
		}
	}
	in := p.x[:n*R]
	for i, l := range m.Enc {
		out := p.enc[i][:n*l.Out]
		l.forward(in, n, out)
		if i < len(m.Enc)-1 {
			relu(out)
		}
		in = out
	}
	// Latent: z = mu + sigma*eps, then the decoder's input grid.
	eo := in
	var kl float64
	for r := range n {
		for j := range d {
			mu := float64(eo[r*2*d+j])
			ls := min(max(float64(eo[r*2*d+d+j]), postLogSigmaMin), postLogSigmaMax)
			sg := math.Exp(ls)
			kl += 0.5*(mu*mu+sg*sg-1) - ls
			e := 0.0
			if rng != nil {
				e = rng.NormFloat64()
			}
			p.eps[r*d+j] = float32(e)
			p.z[r*d+j] = quantLatent(float32(mu + sg*e))
		}
	}
	in = p.z[:n*d]
	for i, l := range m.Dec {
		out := p.dec[i][:n*l.Out]
		l.forward(in, n, out)
		if i < len(m.Dec)-1 {
			relu(out)
		}
		in = out
	}
	ne, nd := len(m.Enc), len(m.Dec)
	var dOut []float32
	if grad {
		dOut = p.dAct[ne+nd-1][:n*m.Dec[nd-1].Out]
	}
	P := a.Params()
	nll := 0.0
	if grad {
		for _, g := range p.gLik {
			clear(g)
		}
	}
	for r, rec := range recs {
		o := in[r*R*P : (r+1)*R*P]
		var g []float32
		if grad {
			g = dOut[r*R*P : (r+1)*R*P]
		}
		nll += p.tr.NLL(a, m.Lik, o, rec, g, p.gLik)
	}
	if grad {
		p.backward()
	}
	return nll + kl
}

// backward propagates dAct of the last decoder layer (already set) back
// to every layer's weight gradients.
func (p *pass) backward() {
	m := p.m
	n, d := p.n, m.Arch.Latent
	ne, nd := len(m.Enc), len(m.Dec)
	for i := range p.gW {
		clear(p.gW[i])
		clear(p.gB[i])
	}
	// Decoder, last layer first.
	for i := nd - 1; i >= 0; i-- {
		l := m.Dec[i]
		dy := p.dAct[ne+i][:n*l.Out]
		var x, dx []float32
		if i > 0 {
			x = p.dec[i-1][:n*l.In]
			dx = p.dAct[ne+i-1][:n*l.In]
		} else {
			x = p.z[:n*d]
			dx = p.dz[:n*d]
		}
		l.backward(x, dy, n, p.gW[ne+i], p.gB[ne+i], dx)
		if i > 0 {
			for j, v := range x {
				if v <= 0 {
					dx[j] = 0
				}
			}
		}
	}
	// Through the reparametrisation (straight through the rounding) and
	// the KL term.
	eo := p.enc[ne-1]
	de := p.dAct[ne-1][:n*2*d]
	for r := range n {
		for j := range d {
			mu := float64(eo[r*2*d+j])
			lsRaw := float64(eo[r*2*d+d+j])
			ls := min(max(lsRaw, postLogSigmaMin), postLogSigmaMax)
			sg := math.Exp(ls)
			g := float64(p.dz[r*d+j])
			de[r*2*d+j] = float32(g + mu)
			if lsRaw < postLogSigmaMin || lsRaw > postLogSigmaMax {
				de[r*2*d+d+j] = 0
			} else {
				de[r*2*d+d+j] = float32(g*float64(p.eps[r*d+j])*sg + sg*sg - 1)
			}
		}
	}
	for i := ne - 1; i >= 0; i-- {
		l := m.Enc[i]
		dy := p.dAct[i][:n*l.Out]
		var x, dx []float32
		if i > 0 {
			x = p.enc[i-1][:n*l.In]
			dx = p.dAct[i-1][:n*l.In]
		} else {
			x = p.x[:n*l.In]
		}
		l.backward(x, dy, n, p.gW[i], p.gB[i], dx)
		if i > 0 {
			for j, v := range x {
				if v <= 0 {
					dx[j] = 0
				}
			}
		}
	}
}
