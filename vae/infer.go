package vae

import "github.com/bbans/bbans/simd"

// worker holds the scratch space of integer inference for batches of up
// to lanes records. It is used by one goroutine.
type worker struct {
	m     *Model
	lanes int
	in    []uint8     // lanes x RecordSize encoder input, or lanes x Latent decoder input
	hid   [][]uint8   // one buffer per hidden layer, lanes x max width
	acc   []int32     // output-layer values
	mu    []int32     // lanes x Latent, Q16
	sigma []int32     // lanes x Latent, Q16
	lik   LikCoder    // the likelihood's coder, one slot per record
	view  EncoderView // what the encoder sees of a record, if not the record
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
	w.lik = m.Lik.NewCoder(a, lanes)
	w.view, _ = a.Likelihood.Family().(EncoderView)
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
	if len(m.Enc) == 0 {
		return // no latents to infer
	}
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

// setRecord copies record into slot r of the encoder input (or what the
// likelihood's EncoderView makes of it).
func (w *worker) setRecord(r int, rec []byte) {
	R := w.m.Arch.RecordSize
	in := w.in[r*R : (r+1)*R]
	if w.view != nil {
		w.view.EncoderInput(in, rec)
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

// decode runs the decoder over n latents already in w.in and gives each
// record's outputs to the likelihood's coder.
func (w *worker) decode(n int) {
	m := w.m
	if len(m.Dec) == 0 {
		return // no nets: the likelihood needs no parameters
	}
	RP := m.Arch.RecordSize * m.Arch.Params()
	out := w.mlp(len(m.Enc), len(m.Dec), n)
	for r := range n {
		w.lik.SetParams(r, out[r*RP:(r+1)*RP])
	}
}
