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

	"github.com/bbans/bbans/ans"
)

// BernoulliAR models bytes 0 and 1 by one decoder logit per byte refined
// by the bits of ten causal neighbours: p(s|y) = prod_i p(s_i | y, s_<i).
const BernoulliAR Likelihood = 3

func init() { RegisterLikelihood(BernoulliAR, arFamily{}) }

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

type arFamily struct{}

func (arFamily) Name() string       { return "bernoulli-ar" }
func (arFamily) Alphabet() int      { return 2 }
func (arFamily) MaxComponents() int { return 1 }
func (arFamily) Params(*Arch) int   { return 1 }

func (arFamily) Parse(s *Section, a *Arch, likPrec uint) (Tables, error) {
	if err := checkLikPrec("Bernoulli", likPrec, BernoulliPrec); err != nil {
		return nil, err
	}
	if _, err := s.v1Tables("bernoulli-ar", false, false, a.Components); err != nil {
		return nil, err
	}
	t, err := s.arTable()
	if err != nil {
		return nil, err
	}
	return &arTables{table: t}, nil
}

// arTables is the probability table of a BernoulliAR model: entry
// c·513 + t is P(1) for context c and logit index t, in units of 2^-16.
type arTables struct{ table []uint16 }

func (t *arTables) AppendSection(b []byte) []byte {
	return appendARTable((&v1Tables{}).append(b), t.table)
}

func (t *arTables) NewCoder(a *Arch, slots int) LikCoder {
	c := &arCoder{table: t.table, R: a.RecordSize, W: a.RecordShape().RowBytes()}
	c.Reserve(slots)
	return c
}

// arCoder holds the decoder's logit indices of a batch and the
// probabilities of the record being coded.
type arCoder struct {
	table []uint16
	R, W  int
	idx   []uint16 // slots x R
	probs []uint16 // R
}

func (c *arCoder) Reserve(slots int) {
	if len(c.idx) < slots*c.R {
		c.idx = make([]uint16, slots*c.R)
		c.probs = make([]uint16, c.R)
	}
}

// SetParams turns the decoder's requantised outputs into table indices.
func (c *arCoder) SetParams(slot int, out []int32) {
	setLogitIndex(c.idx[slot*c.R:(slot+1)*c.R], out)
}

// setLogitIndex clamps the decoder's outputs to logit indices in [0, 512].
func setLogitIndex(idx []uint16, out []int32) {
	for i, t := range out[:len(idx)] {
		idx[i] = uint16(min(max(t, 0), arIdxLen-1))
	}
}

func (c *arCoder) Push(m *ans.Message, lane, slot int, rec []byte) {
	arProbs(c.probs, c.table, c.idx[slot*c.R:(slot+1)*c.R], rec, c.W)
	ans.PushBernoulli(m, lane, rec, c.probs, BernoulliPrec)
}

func (c *arCoder) Pop(m *ans.Message, lane, slot int, rec []byte) {
	popAR(m, lane, c.probs, c.table, c.idx[slot*c.R:(slot+1)*c.R], rec, c.W)
}

func (c *arCoder) Cost(slot int, rec []byte, f func(freq uint32, prec uint)) {
	arProbs(c.probs, c.table, c.idx[slot*c.R:(slot+1)*c.R], rec, c.W)
	bitCosts(rec, c.probs, f)
}

// The float path: the context tables A and B, A = 1 and B = 0 at the
// start (the pixel-independent Bernoulli of the base model).

func (arFamily) InputScale() float32 { return 1 }
func (arFamily) Base() Likelihood    { return Bernoulli }

func (arFamily) NewFloat(*Arch) [][]float32 {
	A, B := make([]float32, arContexts), make([]float32, arContexts)
	for i := range A {
		A[i] = 1
	}
	return [][]float32{A, B}
}

func (arFamily) CheckFloat(_ *Arch, tabs [][]float32) error {
	return checkFloatTables(tabs, []int{arContexts, arContexts})
}

func (arFamily) NLL(a *Arch, tabs [][]float32, out []float32, rec []byte, dout []float32, grads [][]float32) float64 {
	return arNLL(tabs, grads, out, rec, a.RecordShape().RowBytes(), dout)
}

func (arFamily) OutputUnit(*Arch, int) (unit, shift float64) { return arLogitStep, arLogitMax }

func (arFamily) Quantize(_ *Arch, tabs [][]float32, _ uint) (Tables, uint, error) {
	return &arTables{table: arTable(tabs[0], tabs[1])}, BernoulliPrec, nil
}

// arNLL returns -log p(x|logits) in nats for one record of a BernoulliAR
// model with context tables tabs = (A, B), x an image of rows of w bytes;
// it sets dl to its gradient with respect to the decoder's logits and
// accumulates the gradients of the context tables in grads (if dl is not
// nil).
func arNLL(tabs, grads [][]float32, logits []float32, x []byte, w int, dl []float32) float64 {
	A, B := tabs[0], tabs[1]
	var s float64
	for y := range len(x) / w {
		for xx := range w {
			i := y*w + xx
			c := arContext(x, w, xx, y)
			l := float64(logits[i])
			lc := min(max(l, -arLogitMax), arLogitMax)
			a := float64(A[c])
			z := a*lc + float64(B[c])
			t := float64(x[i] & 1)
			s += softplus(z) - t*z
			if dl != nil {
				dz := sigmoid(z) - t
				if l == lc {
					dl[i] = float32(dz * a)
				} else {
					dl[i] = 0
				}
				grads[0][c] += float32(dz * lc)
				grads[1][c] += float32(dz)
			}
		}
	}
	return s
}

// arTable computes the integer model's probability table from the float
// context tables: entry c·513 + t is P(bit = 1) at logit index t in
// context c, in units of 2^-16 within [1, 2^16-1].
func arTable(A, B []float32) []uint16 {
	t := make([]uint16, arTableLen)
	for c := range arContexts {
		a, b := float64(A[c]), float64(B[c])
		for j := range arIdxLen {
			l := float64(j)/arLogitStep - arLogitMax
			t[c*arIdxLen+j] = probQ16(sigmoid(a*l + b))
		}
	}
	return t
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

// arProbs sets pr to P(bit = 1) of every byte of rec, an image of width
// W, with decoder logit indices idx (all bytes known: the encoder's side
// and evaluation).
func arProbs(pr, tab, idx []uint16, rec []byte, W int) {
	R := len(rec)
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

// popAR pops a record from lane, one byte at a time in raster order, each
// byte's context from the bytes already popped (pr is scratch).
func popAR(msg *ans.Message, lane int, pr, tab, idx []uint16, rec []byte, W int) {
	R := len(rec)
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
	return AppendU16s(b, t)
}

// arTable reads the BernoulliAR table: exactly arTableLen entries, each in
// [1, 2^16-1].
func (p *Section) arTable() ([]uint16, error) {
	n, err := p.Count(2)
	if err != nil {
		return nil, err
	}
	if n != arTableLen {
		return nil, fmt.Errorf("context table of %d entries, want %d", n, arTableLen)
	}
	s, err := p.Bytes(2 * n)
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
