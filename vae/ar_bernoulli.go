package vae

// The autoregressive Bernoulli likelihood (BernoulliAR, SPEC.md section
// 3.4): p(s|y) = prod_i p(s_i | y, s_<i), where the decoder gives one logit
// l_i per byte, as for Bernoulli, and the bits of ten causal neighbours of
// pixel i form a context c_i in [0, 1024). In the float model
//
//	logit_i = A[c_i] · clamp(l_i, -16, 16) + B[c_i]
//
// so each local pattern learns how far to trust the latent's prediction
// and which way to lean; A = 1, B = 0 is the pixel-independent Bernoulli.
// The integer model quantises l_i to an index t_i in [0, 512] (steps of
// 1/16 from -16) and looks up P(s_i = 1) = ARTable[c_i·513 + t_i] / 2^16,
// a table computed once by Quantize. Encoding knows every pixel and
// computes all the probabilities at once; decoding pops pixel by pixel in
// raster order, the context coming from the pixels already decoded.

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/bbans/bbans/ans"
)

const (
	arNeighbours = 10
	arContexts   = 1 << arNeighbours
	arLogitStep  = 16 // index steps per unit of the decoder's logit
	arLogitMax   = 16 // the index covers logits [-16, 16]
	arIdxLen     = 2*arLogitMax*arLogitStep + 1
	arTableLen   = arContexts * arIdxLen
)

// arOffsets are the causal neighbours (dx, dy) whose bits make the
// context, bit k for neighbour k: W, WW, NW, N, NN, NE, NWW, NNW, NNE,
// NEE. A neighbour outside the image counts as 0.
var arOffsets = [arNeighbours][2]int{
	{-1, 0}, {-2, 0}, {-1, -1}, {0, -1}, {0, -2}, {1, -1}, {-2, -1}, {-1, -2}, {1, -2}, {2, -1},
}

// imageWidth returns the width of the image a record of r bytes is taken
// to be: the square root of r if r is a perfect square (28 for MNIST),
// else r (one row).
func imageWidth(r int) int {
	w := int(math.Sqrt(float64(r)))
	for w*w > r {
		w--
	}
	for (w+1)*(w+1) <= r {
		w++
	}
	if w*w == r {
		return w
	}
	return r
}

// arContext returns the context of pixel (x, y) of the image rec of width
// w; only pixels before it in raster order are read.
func arContext(rec []byte, w, x, y int) int {
	c := 0
	if x >= 2 && y >= 2 && x+2 < w {
		// Interior: every neighbour is inside.
		r0, r1, r2 := rec[y*w+x-2:], rec[(y-1)*w+x-2:], rec[(y-2)*w+x-2:]
		_, _, _ = r0[1], r1[4], r2[3]
		c = int(r0[1]&1) | int(r0[0]&1)<<1 | int(r1[1]&1)<<2 | int(r1[2]&1)<<3 |
			int(r2[2]&1)<<4 | int(r1[3]&1)<<5 | int(r1[0]&1)<<6 | int(r2[1]&1)<<7 |
			int(r2[3]&1)<<8 | int(r1[4]&1)<<9
		return c
	}
	for k, o := range arOffsets {
		xx, yy := x+o[0], y+o[1]
		if xx >= 0 && xx < w && yy >= 0 {
			c |= int(rec[yy*w+xx]&1) << k
		}
	}
	return c
}

// arFloat holds the float context tables of a BernoulliAR model.
type arFloat struct {
	A, B []float32 // per context: slope and offset of the refined logit
}

func newARFloat() *arFloat {
	a := &arFloat{A: make([]float32, arContexts), B: make([]float32, arContexts)}
	for i := range a.A {
		a.A[i] = 1
	}
	return a
}

func (a *arFloat) clone() *arFloat {
	if a == nil {
		return nil
	}
	return &arFloat{A: append([]float32(nil), a.A...), B: append([]float32(nil), a.B...)}
}

// withAR returns a BernoulliAR model whose encoder and decoder are m's (a
// Bernoulli model) and whose context tables are the identity, so that it
// starts with m's negative ELBO.
func (m *FloatModel) withAR() *FloatModel {
	c := m.Clone()
	c.Arch.Likelihood = BernoulliAR
	c.AR = newARFloat()
	return c
}

// arParams returns the trainable context tables (none for other
// likelihoods).
func (m *FloatModel) arParams() [][]float32 {
	if m.AR8 != nil {
		return [][]float32{m.AR8.R, m.AR8.G, m.AR8.D, m.AR8.S}
	}
	if m.AR == nil {
		return nil
	}
	return [][]float32{m.AR.A, m.AR.B}
}

// newARGrads allocates the gradients of the context tables.
func (p *pass) newARGrads() {
	for _, t := range p.m.arParams() {
		p.gAR = append(p.gAR, make([]float32, len(t)))
	}
}

// arStart clears the context tables' gradients before a batch.
func (p *pass) arStart(grad bool) {
	if grad {
		for _, g := range p.gAR {
			clear(g)
		}
	}
}

// arNLL returns -log p(x|logits) in nats for one record of a BernoulliAR
// model, sets dl to its gradient with respect to the decoder's logits and
// accumulates the gradients of the context tables (if dl is not nil).
func (p *pass) arNLL(r int, logits []float32, x []byte, dl []float32) float64 {
	ar := p.m.AR
	w := imageWidth(len(x))
	var s float64
	for y := range len(x) / w {
		for xx := range w {
			i := y*w + xx
			c := arContext(x, w, xx, y)
			l := float64(logits[i])
			lc := min(max(l, -arLogitMax), arLogitMax)
			a := float64(ar.A[c])
			z := a*lc + float64(ar.B[c])
			t := float64(x[i] & 1)
			s += softplus(z) - t*z
			if dl != nil {
				dz := sigmoid(z) - t
				if l == lc {
					dl[i] = float32(dz * a)
				} else {
					dl[i] = 0
				}
				p.gAR[0][c] += float32(dz * lc)
				p.gAR[1][c] += float32(dz)
			}
		}
	}
	return s
}

// arTable computes the integer model's probability table from the float
// context tables: entry c·513 + t is P(bit = 1) at logit index t in
// context c, in units of 2^-16 within [1, 2^16-1].
func arTable(f *arFloat) []uint16 {
	t := make([]uint16, arTableLen)
	for c := range arContexts {
		a, b := float64(f.A[c]), float64(f.B[c])
		for j := range arIdxLen {
			l := float64(j)/arLogitStep - arLogitMax
			p := sigmoid(a*l + b)
			t[c*arIdxLen+j] = uint16(min(max(math.Round(p*(1<<BernoulliPrec)), 1), 1<<BernoulliPrec-1))
		}
	}
	return t
}

// setARIndex turns the decoder's requantised outputs into table indices.
func (w *worker) setARIndex(out []int32) {
	idx := w.arIdx[:len(out)]
	for i, t := range out {
		idx[i] = uint16(min(max(t, 0), arIdxLen-1))
	}
}

// Windows of row bits -> context bits, for images at most arFastWidth
// wide: rows are kept as bit masks with pixel x at bit x+2, so that the
// pixels x-2..x+2 of a row are (row >> x) & 31.
const arFastWidth = 60

var (
	arWin0 [4]uint16  // row y, pixels x-2, x-1: WW, W
	arWin1 [32]uint16 // row y-1, pixels x-2..x+2: NWW, NW, N, NE, NEE
	arWin2 [8]uint16  // row y-2, pixels x-1..x+1: NNW, NN, NNE
)

func init() {
	set := func(t []uint16, ctxBit ...int) {
		for v := range t {
			for j, k := range ctxBit {
				if v>>j&1 != 0 {
					t[v] |= 1 << k
				}
			}
		}
	}
	set(arWin0[:], 1, 0)
	set(arWin1[:], 6, 2, 3, 5, 9)
	set(arWin2[:], 7, 4, 8)
}

// arProbs sets w.probs of batch slot r to P(bit = 1) of every byte of rec
// (all known: the encoder's side and evaluation).
func (w *worker) arProbs(r int, rec []byte) {
	R := len(rec)
	W := imageWidth(R)
	idx := w.arIdx[r*R : (r+1)*R]
	pr := w.probs[r*R : (r+1)*R]
	tab := w.m.ARTable
	if W > arFastWidth {
		for y := range R / W {
			for x := range W {
				i := y*W + x
				pr[i] = tab[arContext(rec, W, x, y)*arIdxLen+int(idx[i])]
			}
		}
		return
	}
	var r0, r1, r2 uint64
	for y := 0; y < R; y += W {
		row, rp, ri := rec[y:y+W], pr[y:y+W], idx[y:y+W]
		for x, b := range row {
			c := arWin0[r0>>x&3] | arWin1[r1>>x&31] | arWin2[r2>>(x+1)&7]
			rp[x] = tab[int(c)*arIdxLen+int(ri[x])]
			r0 |= uint64(b&1) << (x + 2)
		}
		r2, r1, r0 = r1, r0, 0
	}
}

// popAR pops the record of batch slot r from lane, one byte at a time in
// raster order, each byte's context from the bytes already popped.
func (w *worker) popAR(msg *ans.Message, lane, r int, rec []byte) {
	R := len(rec)
	W := imageWidth(R)
	idx := w.arIdx[r*R : (r+1)*R]
	pr := w.probs[r*R : (r+1)*R]
	tab := w.m.ARTable
	if W > arFastWidth {
		for y := range R / W {
			for x := range W {
				i := y*W + x
				pr[i] = tab[arContext(rec, W, x, y)*arIdxLen+int(idx[i])]
				ans.PopBernoulli(msg, lane, pr[i:i+1], BernoulliPrec, rec[i:i+1])
			}
		}
		return
	}
	var r0, r1, r2 uint64
	for y := 0; y < R; y += W {
		row, rp, ri := rec[y:y+W], pr[y:y+W], idx[y:y+W]
		for x := range row {
			c := arWin0[r0>>x&3] | arWin1[r1>>x&31] | arWin2[r2>>(x+1)&7]
			rp[x] = tab[int(c)*arIdxLen+int(ri[x])]
			ans.PopBernoulli(msg, lane, rp[x:x+1], BernoulliPrec, row[x:x+1])
			r0 |= uint64(row[x]) << (x + 2)
		}
		r2, r1, r0 = r1, r0, 0
	}
}

// appendARTable appends the BernoulliAR table to a model file.
func appendARTable(b []byte, t []uint16) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(t)))
	for _, v := range t {
		b = binary.LittleEndian.AppendUint16(b, v)
	}
	return b
}

// arTable reads the BernoulliAR table: exactly arTableLen entries, each in
// [1, 2^16-1].
func (p *parser) arTable() ([]uint16, error) {
	n, err := p.count(2)
	if err != nil {
		return nil, err
	}
	if n != arTableLen {
		return nil, fmt.Errorf("context table of %d entries, want %d", n, arTableLen)
	}
	s, err := p.need(2 * n)
	if err != nil {
		return nil, err
	}
	t := make([]uint16, n)
	for i := range t {
		if t[i] = binary.LittleEndian.Uint16(s[2*i:]); t[i] < 1 {
			return nil, fmt.Errorf("context probability 0 at entry %d", i)
		}
	}
	return t, nil
}
