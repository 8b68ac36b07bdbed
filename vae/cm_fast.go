package vae

// The fast path of the ContextMix coder: the arithmetic of cm.go's
// chain and prob (the reference, which tests compare against decision
// for decision), laid out for speed. Decoding is one long chain of
// dependent steps (a decision's probability needs the bit before it), so
// the loop is written to keep that chain short:
//
//   - a pixel's contexts come from one word of the rows above (rowUp)
//     and the levels of the two pixels to its left, without reloading
//     its neighbours;
//   - a pixel whose neighbours are all at level 0 (most of an MNIST
//     image: background) codes its node 0 from a probability that needs
//     no table at all (cmFast.zeroProb);
//   - the tables are read through fixed-size array pointers made once
//     per pixel, so that no look-up has a bounds check, and a level
//     without an entry is taken by a conditional move, not a branch the
//     data can mispredict;
//   - the weight sets are 64-byte rows with the logit scale folded in;
//   - the ANS pops go through ans.BitPopper, which the compiler inlines;
//   - on amd64 a decision's probability is computed in assembly
//     (cm_prob_amd64.s, with POPCNT): the compiler keeps prob out of line
//     and spills most of its values (about 260 instructions a decision,
//     75 in assembly; 1.15-1.2x both ways, BenchmarkCMDecisions
//     path=fast against path=fast-go).
//
// What it does not do, and why: step several lanes' records at once to
// overlap their table loads. The lanes of a message share one tail
// (ans.Message), and a pop that renormalises takes the tail's top word,
// so the lanes' pops must come in exactly the reverse order of the pushes
// (PopLikelihood: the highest lane first, record by record); interleaving
// them would change which word each takes. Only chunks, which are
// separate messages, could be decoded together in one goroutine. A format
// that fixes the order pixel by pixel across a batch's lanes (so that the
// lanes' pops interleave) was tried and measured 0.85-0.88x of this loop
// at 4 and 16 lanes: the loop is bound by its work per decision, not by
// waiting on the tables (it runs at about the same speed with them hot in
// the cache), so overlapping lanes gains nothing while the per-decision
// work stays this large.

import (
	"encoding/binary"

	"github.com/bbans/bbans/ans"
)

// cmSetRow is one weight set: the weights of s_2, s_3, s_4 times
// cmLogitScale, those of the four decoder inputs, and the bias weight
// times its input 256. The dot product with (s_2, s_3, s_4, u...) is the
// reference's d before the shift, term for term.
type cmSetRow [cmInputs]int64

// cmSetsPadded is cmSets rounded up to a power of two, so that a masked
// set index needs no bounds check.
const cmSetsPadded = 512

// cmFast is the runtime form that the fast path reads.
type cmFast struct {
	rows   *[cmSetsPadded]cmSetRow
	squash *[cmSquashLen]uint16
	l0     [cmNodes]int8
	// zero is a pixel whose contexts are all 0 (every neighbour at level
	// 0), zeroConf and zeroS the conf and s_2..s_4 of its node 0.
	zero     cmPix
	zeroConf int
	zeroS    [3]int64
}

func newCMFast(cm *cmModel) cmFast {
	f := cmFast{rows: new([cmSetsPadded]cmSetRow), squash: (*[cmSquashLen]uint16)(cm.squash), l0: cm.l0}
	for s := range cmSets {
		w := cm.w[s*cmInputs : (s+1)*cmInputs]
		r := &f.rows[s]
		for j := range 3 {
			r[j] = int64(w[j]) * cmLogitScale
		}
		for j := 3; j < 7; j++ {
			r[j] = int64(w[j])
		}
		r[7] = int64(w[7]) * 256
	}
	for l := 1; l < cmLevels; l++ {
		f.zero.rec[l] = cm.tab[l].recAt(0)
	}
	f.zeroConf, f.zeroS = cm.zeroChain.conf, cm.zeroChain.s
	return f
}

// cmPix is what the decisions of one pixel read.
type cmPix struct {
	rec [cmLevels]*cmRec // the context's record at each level, [0] unused
	u   [4]int64
	tb  int // t >> 6, at most 7: the set is depth·40 + tb·5 + conf
}

// mix is prob's mix and squash for weight set set and logits s_2..s_4.
func (f *cmFast) mix(px *cmPix, set int, s2, s3, s4 int64) uint16 {
	r := &f.rows[set&(cmSetsPadded-1)]
	d := r[0]*s2 + r[1]*s3 + r[2]*s4 + r[3]*px.u[0] + r[4]*px.u[1] + r[5]*px.u[2] + r[6]*px.u[3] + r[7]
	i := min(max((d>>17)+cmSquashLen/2, 0), cmSquashLen-1)
	return f.squash[i&(cmSquashLen-1)]
}

// prob is cmModel.prob for a node of depth depth (cmDepth[node]). Each
// level's look-up is cmTable.get on the pixel's record, written out four
// times (a call each would cost more than the look-up): the bitmap word of
// the node, the rank of the node among the values, the value, and whether
// the node has one, which replaces s and conf through a mask, not a
// branch.
func (f *cmFast) prob(px *cmPix, node uint, depth int) uint16 {
	w, at := node>>6&3, node&63
	below := uint64(1)<<at - 1
	s := int64(f.l0[node&(cmNodes-1)])
	conf := 0
	var m uint64 // all ones if the level has the node

	r := px.rec[1]
	word := binary.LittleEndian.Uint64(r[8*w:])
	b := int64(int8(r[cmHeader+(uint(r[32+w])+uint(cmOnes(word&below)))&0xff]))
	m = -(word >> at & 1)
	s, conf = s^(s^b)&int64(m), conf^(conf^1)&int(m)
	r = px.rec[2]
	word = binary.LittleEndian.Uint64(r[8*w:])
	b = int64(int8(r[cmHeader+(uint(r[32+w])+uint(cmOnes(word&below)))&0xff]))
	m = -(word >> at & 1)
	s, conf = s^(s^b)&int64(m), conf^(conf^2)&int(m)
	s2 := s
	r = px.rec[3]
	word = binary.LittleEndian.Uint64(r[8*w:])
	b = int64(int8(r[cmHeader+(uint(r[32+w])+uint(cmOnes(word&below)))&0xff]))
	m = -(word >> at & 1)
	s, conf = s^(s^b)&int64(m), conf^(conf^3)&int(m)
	s3 := s
	r = px.rec[4]
	word = binary.LittleEndian.Uint64(r[8*w:])
	b = int64(int8(r[cmHeader+(uint(r[32+w])+uint(cmOnes(word&below)))&0xff]))
	m = -(word >> at & 1)
	s, conf = s^(s^b)&int64(m), conf^(conf^4)&int(m)

	// mix, written out here too: as a call it would not be inlined.
	set := (depth*cmTBuckets*cmLevels + px.tb*cmLevels + conf) & (cmSetsPadded - 1)
	wr := &f.rows[set]
	d := wr[0]*s2 + wr[1]*s3 + wr[2]*s + wr[3]*px.u[0] + wr[4]*px.u[1] + wr[5]*px.u[2] + wr[6]*px.u[3] + wr[7]
	i := min(max((d>>17)+cmSquashLen/2, 0), cmSquashLen-1)
	return f.squash[i&(cmSquashLen-1)]
}

// zeroProb is P(node 0 = 1) of a pixel whose contexts are all 0.
func (f *cmFast) zeroProb(px *cmPix) uint16 {
	return f.mix(px, px.tb*cmLevels+f.zeroConf, f.zeroS[0], f.zeroS[1], f.zeroS[2])
}

// rowUp fills up[x] with the part of c_4 of pixel (x, y) that the rows
// above give: c_4 = q(W)<<24 | q(WW)<<12 | up[x], as
//
//	c_4 = 2^24·q(W) + 2^21·q(N) + 2^18·q(NW) + 2^15·q(NE) + 2^12·q(WW)
//	    + 2^9·q(NN) + 2^6·q(NEE) + 2^3·q(NNW) + q(NNE)
//
// and c_3 = c_4 >> 9, c_2 = c_4 >> 15, c_1 = c_4 >> 21.
func (sc *cmScratch) rowUp(y int) []uint32 {
	S := sc.stride
	n := sc.lv[(y+1)*S : (y+2)*S] // row y-1, padded
	nn := sc.lv[y*S : (y+1)*S]    // row y-2
	up := sc.up[:sc.w]
	for x := range up {
		// column x of the image is column x+2 of the padded rows.
		nr := n[x : x+5 : x+5]
		nnr := nn[x : x+5 : x+5]
		up[x] = uint32(nr[2])<<21 | uint32(nr[1])<<18 | uint32(nr[3])<<15 |
			uint32(nnr[2])<<9 | uint32(nr[4])<<6 | uint32(nnr[1])<<3 | uint32(nnr[3])
	}
	return up
}

// pixel fills px for pixel (x, y) with context c4 (c_4; c_3..c_1 are its
// high bits) and decoder logit index t.
func (cm *cmModel) pixel(px *cmPix, sc *cmScratch, x, y int, c4 uint32, t uint16) {
	f := &cm.fast
	if c4 == 0 {
		px.rec = f.zero.rec
	} else {
		px.rec[1] = cm.tab[1].recAt(c4 >> 21)
		px.rec[2] = cm.tab[2].recAt(c4 >> 15)
		px.rec[3] = cm.tab[3].recAt(c4 >> 9)
		px.rec[4] = cm.tab[4].recAt(c4)
	}
	U := sc.w + 1
	o := y*U + x
	u := sc.u[o : o+U+2 : o+U+2]
	px.u = [4]int64{u[0], u[U], u[1], u[U+1]}
	px.tb = min(int(t)>>6, cmTBuckets-1)
}

// fastDecisions is decisions on the fast path. The encoder knows every
// byte, so it finds a whole row's records before it computes any
// probability: the look-ups do not wait on each other, and their cache
// misses overlap.
func (cm *cmModel) fastDecisions(sc *cmScratch, rec []byte, idx []uint16) int {
	sc.start(idx)
	f := &cm.fast
	probs, dec := sc.probs[:9*len(rec)], sc.dec[:9*len(rec)]
	n := 0
	w := sc.w
	pxs := sc.row[:w]
	for y := range sc.h {
		up := sc.rowUp(y)
		row := rec[y*w : (y+1)*w]
		ix := idx[y*w : (y+1)*w]
		lv := sc.lv[(y+2)*sc.stride+2 : (y+2)*sc.stride+2+w]
		qW, qWW := uint32(0), uint32(0)
		for x, v := range row {
			cm.pixel(&pxs[x], sc, x, y, qW<<24|qWW<<12|up[x], ix[x])
			qWW, qW = qW, uint32(cmLevel[v])
		}
		qW, qWW = 0, 0
		for x, v := range row {
			px := &pxs[x]
			if qW|qWW|up[x] == 0 {
				probs[n] = f.zeroProb(px)
			} else {
				probs[n] = f.probAny(px, 0, 0)
			}
			dec[n] = 0
			n++
			if v != 0 {
				dec[n-1] = 1
				node := uint(1)
				for b := 7; b >= 0; b-- {
					bit := v >> b & 1
					probs[n], dec[n] = f.probAny(px, node, 8-b), bit
					n++
					node = 2*node + uint(bit)
				}
			}
			qWW, qW = qW, uint32(cmLevel[v])
			lv[x] = uint8(qW)
		}
	}
	return n
}

// fastPop is popRecord on the fast path.
func (cm *cmModel) fastPop(msg *ans.Message, lane int, sc *cmScratch, rec []byte, idx []uint16) {
	sc.start(idx)
	f := &cm.fast
	var px cmPix
	d := msg.BitPopper(lane)
	w := sc.w
	for y := range sc.h {
		up := sc.rowUp(y)
		row := rec[y*w : (y+1)*w]
		ix := idx[y*w : (y+1)*w]
		lv := sc.lv[(y+2)*sc.stride+2 : (y+2)*sc.stride+2+w]
		qW, qWW := uint32(0), uint32(0)
		for x := range row {
			c4 := qW<<24 | qWW<<12 | up[x]
			cm.pixel(&px, sc, x, y, c4, ix[x])
			var p uint16
			if c4 == 0 {
				p = f.zeroProb(&px)
			} else {
				p = f.probAny(&px, 0, 0)
			}
			bit := d.Pop(p)
			d.Renorm()
			v := uint(0)
			if bit != 0 {
				node := uint(1)
				for depth := 1; depth <= 8; depth++ {
					bit := d.Pop(f.probAny(&px, node, depth))
					d.Renorm()
					node = 2*node + uint(bit)
				}
				v = node - cmNodes
			}
			row[x] = byte(v)
			qWW, qW = qW, uint32(cmLevel[v&0xff])
			lv[x] = uint8(qW)
		}
	}
	d.Close()
}

// cmRec is a context's record in cmTable.data: its header (bitmap and
// counts) and the values a look-up may read after it (up to cmNodes:
// newCMTable pads data so that the span stays inside it for every
// context).
type cmRec = [cmHeader + cmNodes]byte

// recAt returns the record of context c as a fixed-size array, so that the
// look-ups in it need no bounds checks.
func (t *cmTable) recAt(c uint32) *cmRec {
	off := t.find(uint64(c))
	return (*cmRec)(t.data[off : off+cmHeader+cmNodes])
}
