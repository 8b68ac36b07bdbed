package vae

import "github.com/bbans/bbans/simd"

// worker holds the scratch space of integer inference for batches of up
// to lanes records. It is used by one goroutine.
type worker struct {
	m     *Model
	lanes int
	in    []uint8   // lanes x RecordSize encoder input, or lanes x Latent decoder input
	hid   [][]uint8 // one buffer per hidden layer, lanes x max width
	acc   []int32   // output-layer values
	mu    []int32   // lanes x Latent, Q16
	sigma []int32   // lanes x Latent, Q16
	// Likelihood parameters of the batch, lanes x RecordSize each.
	probs []uint16 // Bernoulli
	mix   mixBatch // logistic

	// Autoregressive likelihoods: BernoulliAR's decoder logit indices;
	// LogisticAR's clamped decoder means and log-scale indices.
	arIdx          []uint16
	ar8Mean, ar8Ls []int32
	ar8Mix         []int32
	cm             *cmScratch // ContextMix
	arW            int        // image width (imageWidth)
}

func newWorker(m *Model, lanes int) *worker {
	a := &m.Arch
	w := &worker{m: m, lanes: lanes}
	w.in = make([]uint8, lanes*max(a.RecordSize, a.Latent))
	maxH := 1
	for _, h := range append(append([]int(nil), a.EncHidden...), a.DecHidden...) {
		maxH = max(maxH, h)
	}
	w.hid = [][]uint8{make([]uint8, lanes*maxH), make([]uint8, lanes*maxH)}
	w.acc = make([]int32, lanes*max(2*a.Latent, a.RecordSize*a.Params()))
	w.mu = make([]int32, lanes*a.Latent)
	w.sigma = make([]int32, lanes*a.Latent)
	if a.Likelihood == ContextMix {
		w.arIdx = make([]uint16, lanes*a.RecordSize)
		w.cm = newCMScratch(a.RecordSize)
	} else if a.Likelihood.Binary() {
		w.probs = make([]uint16, lanes*a.RecordSize)
		if a.Likelihood == BernoulliAR {
			w.arIdx = make([]uint16, lanes*a.RecordSize)
		}
	} else {
		w.mix = newMixBatch(a.Components, lanes*a.RecordSize)
		if a.Likelihood == LogisticAR {
			w.ar8Mean = make([]int32, lanes*a.RecordSize*a.Components)
			w.ar8Ls = make([]int32, lanes*a.RecordSize*a.Components)
			w.ar8Mix = make([]int32, lanes*a.RecordSize*a.Components)
			w.arW = imageWidth(a.RecordSize)
		}
	}
	return w
}

// mlp runs layers first..first+count-1 over n inputs in w.in; the last
// layer's requantised int32 outputs go to w.acc.
func (w *worker) mlp(first, count, n int) []int32 {
	m := w.m
	x := w.in
	for i := range count - 1 {
		l := first + i
		out := w.hid[i&1][:n*m.packed[l].N()]
		simd.Dense(out, x, n, m.packed[l], m.layer(l).Bias, m.rq[l])
		x = out
	}
	l := first + count - 1
	out := w.acc[:n*m.packed[l].N()]
	simd.DenseInt32(out, x, n, m.packed[l], m.layer(l).Bias, m.rq[l])
	return out
}

func (m *Model) layer(i int) *Layer {
	if i < len(m.Enc) {
		return &m.Enc[i]
	}
	return &m.Dec[i-len(m.Enc)]
}

// encode runs the encoder over n records already in w.in and leaves the
// posterior means and standard deviations (Q16) in w.mu, w.sigma.
func (w *worker) encode(n int) {
	m := w.m
	d := m.Arch.Latent
	out := w.mlp(0, len(m.Enc), n)
	last := int32(len(m.SigmaTable) - 1)
	for r := range n {
		o := out[r*2*d : (r+1)*2*d]
		mu, sg := w.mu[r*d:(r+1)*d], w.sigma[r*d:(r+1)*d]
		for j := range d {
			mu[j] = min(max(o[j], -MaxMoment), MaxMoment)
			sg[j] = m.SigmaTable[min(max(o[d+j], 0), last)]
		}
	}
}

// setRecord copies record into slot r of the encoder input (thresholded
// at 128 for ContextMix, whose encoder sees the shape of the image).
func (w *worker) setRecord(r int, rec []byte) {
	R := w.m.Arch.RecordSize
	in := w.in[r*R : (r+1)*R]
	if w.m.Arch.Likelihood == ContextMix {
		for i, v := range rec {
			in[i] = v >> 7
		}
		return
	}
	copy(in, rec)
}

// setLatent writes the decoder input of bucket indices lat into slot r.
func (w *worker) setLatent(r int, lat []int32) {
	d := w.m.Arch.Latent
	in := w.in[r*d : (r+1)*d]
	for j, b := range lat {
		in[j] = w.m.latIn[b]
	}
}

// decode runs the decoder over n latents already in w.in and leaves the
// likelihood parameters of each record in w.probs or w.mix.
func (w *worker) decode(n int) {
	m := w.m
	R := m.Arch.RecordSize
	out := w.mlp(len(m.Enc), len(m.Dec), n)
	if m.Arch.Likelihood.logitPerByte() {
		w.setARIndex(out[:n*R]) // probabilities need the record: arProbs, popAR, cm
		return
	}
	if m.Arch.Likelihood == Bernoulli {
		last := int32(len(m.ProbTable) - 1)
		pr := w.probs[:n*R]
		for i, t := range out[:n*R] {
			pr[i] = m.ProbTable[min(max(t, 0), last)]
		}
		return
	}
	if m.Arch.Likelihood == LogisticAR {
		w.ar8Save(out, n) // ar8Adjust sets each byte's parameters
		return
	}
	for r := range n {
		w.mix.set(m, r, out[r*R*m.Arch.Params():(r+1)*R*m.Arch.Params()], R)
	}
}
