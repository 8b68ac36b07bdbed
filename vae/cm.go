package vae

// The context-mixing likelihood (ContextMix, SPEC.md section 3.5): 8-bit
// records coded one binary decision at a time, each decision's
// probability mixed from counts of what followed the same local pattern
// in the training images and from the decoder's view of the whole image.
//
// A byte v is the decisions "v != 0" (node 0) and, if it is not 0, its
// eight bits from the most significant (nodes 1..255 of a binary tree:
// node 1 is the root, a decision b at node n leads to node 2n+b). Pixel
// (x, y) of the image has nested contexts c_1 ⊂ c_2 ⊂ c_3 ⊂ c_4 from its
// causal neighbours quantised to 8 levels (cmLevel; 0 outside the image):
//
//	c_1 = 8·q(W) + q(N)
//	c_2 = 64·c_1 + 8·q(NW) + q(NE)
//	c_3 = 64·c_2 + 8·q(WW) + q(NN)
//	c_4 = 512·c_3 + 64·q(NEE) + 8·q(NNW) + q(NNE)
//
// and c_0 = 0. Table l holds, for some (c_l, node), a logit in steps of
// 1/8 (an int8): what the training images said about the decision in that
// context, smoothed towards the coarser context. Walking l = 0..4, the
// logit s_l is table l's entry if it has one and s_(l-1) otherwise; conf
// is the last level that had one (table 0 has every node).
//
// The decoder gives one logit per pixel, index t in [0, 512] (steps of
// 1/16 from -16, as for BernoulliAR), and the encoder sees the record
// thresholded at 128 (a byte >= 128 is 1, else 0), so the latent
// describes the shape of the image and the tables its grey levels. The
// probability of a 1 is a logistic mix of eight inputs in units of 1/256:
//
//	x = (32·s_2, 32·s_3, 32·s_4, u(x,y), u(x,y+1), u(x+1,y), u(x+1,y+1), 256)
//
// with u = 16·(t - 256) (0 outside the image), weighted by one of 360
// weight sets chosen by the node's depth (0 for node 0, else the bit
// length of the node), t >> 6 (at most 7) and conf:
//
//	d = (sum_j W[set][j]·x_j) >> 16                 (int64, arithmetic)
//	P(1) = Squash[clamp((d >> 1) + 2048, 0, 4095)] / 2^16
//
// Squash (a table of the model file, non-decreasing within [1, 2^16-1])
// maps logits in steps of 1/128 from -16 to probabilities.

import (
	"encoding/binary"
	"math/bits"

	"github.com/bbans/bbans/ans"
)

// ContextMix models bytes 0..255 one binary decision at a time, each
// mixed from context-count tables over causal neighbours and one decoder
// logit per byte; its encoder sees the record thresholded at 128.
const ContextMix Likelihood = 5

func init() { RegisterLikelihood(ContextMix, cmFamily{}) }

type cmFamily struct{}

func (cmFamily) Name() string       { return "context-mix" }
func (cmFamily) Alphabet() int      { return 256 }
func (cmFamily) MaxComponents() int { return 1 }
func (cmFamily) Params(*Arch) int   { return 1 }

// EncoderInput thresholds the record at 128: the latent describes the
// shape of the image, the context tables its grey levels.
func (cmFamily) EncoderInput(in []uint8, rec []byte) {
	for i, v := range rec {
		in[i] = v >> 7
	}
}

// cmLik is a ContextMix model's section of the model file and the
// runtime tables made from it.
type cmLik struct {
	squash  []uint16
	weights []int32
	tables  [cmLevels][]CMEntry
	rt      *cmModel
}

func newCMLik(squash []uint16, weights []int32, tables [cmLevels][]CMEntry) *cmLik {
	l := &cmLik{squash: squash, weights: weights, tables: tables}
	l.rt = newCMModel(&l.tables, weights, squash)
	return l
}

func (l *cmLik) NewCoder(a *Arch, slots int) LikCoder {
	c := &cmCoder{cm: l.rt, R: a.RecordSize, sc: newCMScratch(a.RecordSize, a.RecordShape().RowBytes())}
	c.Reserve(slots)
	return c
}

// cmCoder holds the decoder's logit indices of a batch and the scratch of
// the record being coded.
type cmCoder struct {
	cm  *cmModel
	R   int
	idx []uint16 // slots x R
	sc  *cmScratch
}

func (c *cmCoder) Reserve(slots int) {
	if len(c.idx) < slots*c.R {
		c.idx = make([]uint16, slots*c.R)
	}
}

func (c *cmCoder) SetParams(slot int, out []int32) {
	setLogitIndex(c.idx[slot*c.R:(slot+1)*c.R], out)
}

func (c *cmCoder) Push(m *ans.Message, lane, slot int, rec []byte) {
	c.cm.pushRecord(m, lane, c.sc, rec, c.idx[slot*c.R:(slot+1)*c.R])
}

func (c *cmCoder) Pop(m *ans.Message, lane, slot int, rec []byte) {
	c.cm.popRecord(m, lane, c.sc, rec, c.idx[slot*c.R:(slot+1)*c.R])
}

func (c *cmCoder) Cost(slot int, rec []byte, f func(freq uint32, prec uint)) {
	c.cm.costRecord(c.sc, rec, c.idx[slot*c.R:(slot+1)*c.R], func(freq uint32) { f(freq, BernoulliPrec) })
}

const (
	cmLevels     = 5 // tables 0..4
	cmInputs     = 8
	cmDepths     = 9
	cmTBuckets   = 8
	cmSets       = cmDepths * cmTBuckets * cmLevels
	cmWeights    = cmSets * cmInputs
	cmSquashLen  = 4096
	cmLogitScale = 32 // a table entry b is the logit b/8 = 32·b/256
	cmWeightMax  = 1 << 24
	cmNodes      = 256
	cmHeader     = 36 // bytes before a context's values in cmTable.data
)

// cmLevelEdges quantise a byte into 8 levels: the number of edges <= it.
var cmLevelEdges = [7]int{1, 16, 64, 128, 192, 240, 253}

var cmLevel = func() (t [256]uint8) {
	for v := range t {
		for _, e := range cmLevelEdges {
			if v >= e {
				t[v]++
			}
		}
	}
	return t
}()

// cmContextBits is the number of bits c_l adds to c_(l-1).
var cmContextBits = [cmLevels]uint{0, 6, 6, 6, 9}

// cmContexts returns c_1..c_4 of pixel (x, y) of rec (width w); only
// pixels before it in raster order are read.
func cmContexts(rec []byte, w, x, y int) (c [cmLevels]uint64) {
	at := func(dx, dy int) uint64 {
		xx, yy := x+dx, y+dy
		if xx < 0 || xx >= w || yy < 0 {
			return 0
		}
		return uint64(cmLevel[rec[yy*w+xx]])
	}
	c[1] = 8*at(-1, 0) + at(0, -1)
	c[2] = 64*c[1] + 8*at(-1, -1) + at(1, -1)
	c[3] = 64*c[2] + 8*at(-2, 0) + at(0, -2)
	c[4] = 512*c[3] + 64*at(2, -1) + 8*at(-1, -2) + at(1, -2)
	return c
}

// cmTable is one level's entries. For each context that has any, data
// holds a 32-byte bitmap of its nodes (little-endian words), for each
// word the number of nodes in the words before it (4 bytes), then the
// logits of those nodes in node order: a decision's look-up is one or two
// cache lines and no branch. slots map contexts to their offsets; data
// starts with the header of an empty context, offset 0, which stands for
// every context the table does not have.
type cmTable struct {
	dense []uint32 // context -> offset, for tables of at most 2^18 contexts
	slots []cmSlot // open addressing, len a power of two, for larger ones
	mask  uint32
	data  []byte
}

// cmDenseBits is the largest context size whose table is a plain array.
const cmDenseBits = 18

// cmSlot maps a context to its offset in data. Contexts are below 2^27,
// so key = context + 1 fits in 32 bits; 0 marks an empty slot.
type cmSlot struct {
	key, off uint32
}

// CMEntry is an entry of a ContextMix table: the logit B/8 of a decision
// at Node in context Ctx.
type CMEntry struct {
	Ctx  uint64
	Node uint8
	B    int8
}

func cmHash(c uint32) uint32 { return uint32((uint64(c) * 0x9e3779b97f4a7c15) >> 32) }

// newCMTable builds a table from entries sorted by (context, node), with
// contexts below 2^ctxBits <= 2^27.
func newCMTable(es []CMEntry, ctxBits uint) *cmTable {
	t := &cmTable{}
	if ctxBits <= cmDenseBits {
		t.dense = make([]uint32, 1<<ctxBits)
	}
	n := 0
	for i, e := range es {
		if i == 0 || e.Ctx != es[i-1].Ctx {
			n++
		}
	}
	size := 1
	for size < 2*n {
		size <<= 1
	}
	t.slots = make([]cmSlot, size)
	t.mask = uint32(size - 1)
	t.data = make([]byte, cmHeader, cmHeader*(n+1)+len(es)+cmNodes)
	for i := 0; i < len(es); {
		j := i
		var bm [4]uint64
		for ; j < len(es) && es[j].Ctx == es[i].Ctx; j++ {
			bm[es[j].Node>>6] |= 1 << (es[j].Node & 63)
		}
		off := uint32(len(t.data))
		if t.dense != nil {
			t.dense[es[i].Ctx] = off
		}
		for _, w := range bm {
			t.data = binary.LittleEndian.AppendUint64(t.data, w)
		}
		before := 0
		for _, w := range bm {
			t.data = append(t.data, byte(before))
			before += bits.OnesCount64(w)
		}
		for _, e := range es[i:j] {
			t.data = append(t.data, byte(e.B))
		}
		for h := cmHash(uint32(es[i].Ctx)) & t.mask; t.dense == nil; h = (h + 1) & t.mask {
			if t.slots[h].key == 0 {
				t.slots[h] = cmSlot{key: uint32(es[i].Ctx) + 1, off: off}
				break
			}
		}
		i = j
	}
	// get reads a value even for an absent node; the padding keeps that
	// read inside data for the last context.
	t.data = append(t.data, make([]byte, cmNodes)...)
	return t
}

// find returns the offset of context c in data, 0 if it has no entries.
func (t *cmTable) find(c uint64) uint32 {
	if t.dense != nil {
		return t.dense[c&uint64(len(t.dense)-1)]
	}
	k := uint32(c) + 1
	for h := cmHash(uint32(c)) & t.mask; ; h = (h + 1) & t.mask {
		s := t.slots[h]
		if s.key == k || s.key == 0 {
			return s.off
		}
	}
}

// get returns the logit of node in the context at offset off and whether
// there is one.
func (t *cmTable) get(off uint32, node uint) (int8, bool) {
	d := t.data[off : off+cmHeader+cmNodes : off+cmHeader+cmNodes]
	w := node >> 6 & 3
	word := binary.LittleEndian.Uint64(d[8*w:])
	bit := uint64(1) << (node & 63)
	r := uint(d[32+w]) + uint(bits.OnesCount64(word&(bit-1)))
	return int8(d[cmHeader+r&0xff]), word&bit != 0
}

// cmModel is the runtime form of a ContextMix model's tables.
type cmModel struct {
	tab    [cmLevels]cmTable // tab[0] unused (l0)
	l0     [cmNodes]int8     // table 0
	w      []int32
	squash []uint16
	// zero are the context offsets of a pixel whose neighbours are all
	// at level 0 (most of an MNIST image), and zeroChain the logits and
	// conf of node 0 there.
	zero      [cmLevels]uint32
	zeroChain cmChain
	fast      cmFast // the fast path's form of the same (cm_fast.go)
}

// cmChain is what the tables say about one decision.
type cmChain struct {
	s    [3]int64 // s_2, s_3, s_4
	conf int
}

// cmDepth is the weight-set depth of a node.
var cmDepth = func() (t [cmNodes]uint8) {
	for n := 1; n < cmNodes; n++ {
		t[n] = uint8(bits.Len(uint(n)))
	}
	return t
}()

// cmPixel holds what the decisions of one pixel share.
type cmPixel struct {
	ci   [cmLevels]uint32 // context offsets in the tables, ci[0] unused
	zero bool             // every neighbour at level 0: ci = cmModel.zero
	u    [4]int64         // decoder inputs
	tb   int              // t >> 6, at most 7
}

func newCMModel(tabs *[cmLevels][]CMEntry, w []int32, squash []uint16) *cmModel {
	cm := &cmModel{w: w, squash: squash}
	for _, e := range tabs[0] {
		cm.l0[e.Node] = e.B
	}
	bits := uint(0)
	for l := 1; l < cmLevels; l++ {
		bits += cmContextBits[l]
		cm.tab[l] = *newCMTable(tabs[l], bits)
		cm.zero[l] = cm.tab[l].find(0)
	}
	cm.zeroChain = cm.chain(&cm.zero, 0)
	cm.fast = newCMFast(cm)
	return cm
}

// cmScratch is a coder's working memory for one record: the levels of
// the pixels coded so far in an image padded by two zero columns on each
// side and two zero rows on top (so that neighbours need no bounds
// checks), the decoder inputs padded by a zero column and row, and the
// encoder's decisions.
type cmScratch struct {
	w, h, stride int
	lv           []uint8
	up           []uint32 // rowUp of the row being coded
	row          []cmPix  // the encoder's pixels of that row (fastDecisions)
	u            []int64
	probs        []uint16
	dec          []byte
}

// newCMScratch returns the scratch for records of R bytes in rows of w.
func newCMScratch(R, w int) *cmScratch {
	h := R / w
	return &cmScratch{w: w, h: h, stride: w + 4,
		lv:    make([]uint8, (w+4)*(h+2)),
		up:    make([]uint32, w),
		row:   make([]cmPix, w),
		u:     make([]int64, (w+1)*(h+1)),
		probs: make([]uint16, 9*R),
		dec:   make([]byte, 9*R),
	}
}

// start prepares sc for a record with decoder logit indices idx: levels
// all 0, decoder inputs from idx.
func (sc *cmScratch) start(idx []uint16) {
	clear(sc.lv)
	for y := range sc.h {
		row := sc.u[y*(sc.w+1) : (y+1)*(sc.w+1)]
		for x, t := range idx[y*sc.w : (y+1)*sc.w] {
			row[x] = 16 * (int64(t) - 256)
		}
	}
}

// set records the byte of pixel i.
func (sc *cmScratch) set(i int, v byte) {
	sc.lv[(i/sc.w+2)*sc.stride+i%sc.w+2] = cmLevel[v]
}

// contexts returns c_1..c_4 of pixel (x, y) from the levels set so far:
// cmContexts without bounds checks.
func (sc *cmScratch) contexts(x, y int) (c1, c2, c3, c4 uint64) {
	S := sc.stride
	p := (y+2)*S + x + 2
	lv := sc.lv[p-2*S-2 : p+1 : p+1] // rows y-2..y up to the pixel
	q := func(dx, dy int) uint64 { return uint64(lv[(2+dy)*S+2+dx]) }
	c1 = 8*q(-1, 0) + q(0, -1)
	c2 = 64*c1 + 8*q(-1, -1) + q(1, -1)
	c3 = 64*c2 + 8*q(-2, 0) + q(0, -2)
	c4 = 512*c3 + 64*q(2, -1) + 8*q(-1, -2) + q(1, -2)
	return
}

// setup finds pixel i's contexts and decoder inputs from sc (the pixels
// before i set) and the decoder's logit index t of the pixel.
func (cm *cmModel) setup(px *cmPixel, sc *cmScratch, i int, t uint16) {
	x, y := i%sc.w, i/sc.w
	c1, c2, c3, c4 := sc.contexts(x, y)
	px.zero = c4 == 0
	if px.zero {
		px.ci = cm.zero
	} else {
		px.ci[1] = cm.tab[1].find(c1)
		px.ci[2] = cm.tab[2].find(c2)
		px.ci[3] = cm.tab[3].find(c3)
		px.ci[4] = cm.tab[4].find(c4)
	}
	U := sc.w + 1
	o := y*U + x
	u := sc.u[o : o+U+2 : o+U+2]
	px.u = [4]int64{u[0], u[U], u[1], u[U+1]}
	px.tb = min(int(t)>>6, cmTBuckets-1)
}

// chain walks the tables for node in the contexts ci.
func (cm *cmModel) chain(ci *[cmLevels]uint32, node uint) (ch cmChain) {
	s := int64(cm.l0[node])
	if b, ok := cm.tab[1].get(ci[1], node); ok {
		s, ch.conf = int64(b), 1
	}
	if b, ok := cm.tab[2].get(ci[2], node); ok {
		s, ch.conf = int64(b), 2
	}
	ch.s[0] = s
	if b, ok := cm.tab[3].get(ci[3], node); ok {
		s, ch.conf = int64(b), 3
	}
	ch.s[1] = s
	if b, ok := cm.tab[4].get(ci[4], node); ok {
		s, ch.conf = int64(b), 4
	}
	ch.s[2] = s
	return ch
}

// prob returns P(decision = 1) at node, in units of 2^-16.
func (cm *cmModel) prob(px *cmPixel, node uint) uint16 {
	var ch cmChain
	if node == 0 && px.zero {
		ch = cm.zeroChain
	} else {
		ch = cm.chain(&px.ci, node)
	}
	set := ((int(cmDepth[node])*cmTBuckets+px.tb)*cmLevels + ch.conf) * cmInputs
	wt := cm.w[set : set+cmInputs : set+cmInputs]
	dot := int64(wt[0])*cmLogitScale*ch.s[0] + int64(wt[1])*cmLogitScale*ch.s[1] + int64(wt[2])*cmLogitScale*ch.s[2] +
		int64(wt[3])*px.u[0] + int64(wt[4])*px.u[1] + int64(wt[5])*px.u[2] + int64(wt[6])*px.u[3] +
		int64(wt[7])*256
	i := min(max((dot>>16>>1)+cmSquashLen/2, 0), cmSquashLen-1)
	return cm.squash[i]
}

// cmDecisions calls f for each decision of byte v: node and bit.
func cmDecisions(v byte, f func(node uint, bit uint8)) {
	if v == 0 {
		f(0, 0)
		return
	}
	f(0, 1)
	node := uint(1)
	for b := 7; b >= 0; b-- {
		bit := v >> b & 1
		f(node, bit)
		node = 2*node + uint(bit)
	}
}

// decisions fills sc.probs and sc.dec with P(1) and the bit of every
// decision of rec, in raster order (all bytes known: the encoder's side
// and evaluation), and returns their number. It is the reference that
// fastDecisions equals.
func (cm *cmModel) decisions(sc *cmScratch, rec []byte, idx []uint16) int {
	sc.start(idx)
	var px cmPixel
	probs, dec := sc.probs[:9*len(rec)], sc.dec[:9*len(rec)]
	n := 0
	for i, v := range rec {
		cm.setup(&px, sc, i, idx[i])
		probs[n] = cm.prob(&px, 0)
		dec[n] = 0
		n++
		if v != 0 {
			dec[n-1] = 1
			node := uint(1)
			for b := 7; b >= 0; b-- {
				bit := v >> b & 1
				probs[n], dec[n] = cm.prob(&px, node), bit
				n++
				node = 2*node + uint(bit)
			}
		}
		sc.set(i, v)
	}
	return n
}

// pushRecord pushes rec onto lane so that popRecord pops it: the
// decisions are pushed last-first.
func (cm *cmModel) pushRecord(msg *ans.Message, lane int, sc *cmScratch, rec []byte, idx []uint16) {
	n := cm.fastDecisions(sc, rec, idx)
	ans.PushBernoulli(msg, lane, sc.dec[:n], sc.probs[:n], BernoulliPrec)
}

// popRecord pops a record pushed by pushRecord into rec.
func (cm *cmModel) popRecord(msg *ans.Message, lane int, sc *cmScratch, rec []byte, idx []uint16) {
	cm.fastPop(msg, lane, sc, rec, idx)
}

// refPopRecord is popRecord on the reference path.
func (cm *cmModel) refPopRecord(msg *ans.Message, lane int, sc *cmScratch, rec []byte, idx []uint16) {
	sc.start(idx)
	var px cmPixel
	var p [1]uint16
	var b [1]byte
	pop := func(node uint) uint8 {
		p[0] = cm.prob(&px, node)
		ans.PopBernoulli(msg, lane, p[:], BernoulliPrec, b[:])
		return b[0]
	}
	for i := range rec {
		cm.setup(&px, sc, i, idx[i])
		v := byte(0)
		if pop(0) != 0 {
			node := uint(1)
			for range 8 {
				node = 2*node + uint(pop(node))
			}
			v = byte(node - 256)
		}
		rec[i] = v
		sc.set(i, v)
	}
}

// costRecord calls f with the frequency (units of 2^-16) of every
// decision of rec, in raster order.
func (cm *cmModel) costRecord(sc *cmScratch, rec []byte, idx []uint16, f func(freq uint32)) {
	n := cm.fastDecisions(sc, rec, idx)
	for k, bit := range sc.dec[:n] {
		f(bitFreq(bit, sc.probs[k]))
	}
}
