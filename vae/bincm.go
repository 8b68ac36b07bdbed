package vae

// The binary context-mixing likelihood (BinCM, SPEC.md section 3.7): a
// BernoulliAR model (its nets and its table, so the latent is the same)
// whose per-pixel probability is mixed with two adaptive context models
// indexed directly by the bits of 16 and 20 causal neighbours.
//
// For pixel i with decoder logit index t_i (as for BernoulliAR) and AR
// context c_i, the net's prediction is a = St(ARTable[c_i·513 + t_i]),
// St the stretch (a logit in units of 1/256). A pixel whose 20 neighbours
// are all 0 (most of the background) is coded with the net's probability
// alone. Otherwise the adaptive counters of its two contexts give s_1,
// s_2 = St(counter probability), and
//
//	d = (W[set]·(a, s_1, s_2, u_0, u_1, u_2, u_3, 256)) >> 16   (int64)
//	P(1) = Squash[clamp(d, -3071, 3071) + 3071] / 2^16
//
// with u_0..u_3 the decoder's raw logits at the pixel, right of it, below
// it and below right (16·(t - 256), 0 outside the image), and set chosen
// by the number of set pixels among W, N, NW, NE, a bucket of a and the
// count of the 20-neighbour counter. The weights are static (fitted on
// training images): they see the decoder's outputs, and an adaptive state
// may depend on the records' bytes only (ChunkStarter).
//
// The adaptive state is two regimes' counters: regime 0 primed on
// threshold-binarized images, regime 1 on sampled ones, each with its own
// weights. A record is coded in the regime its chunk's earlier records
// favour: a score, decayed by a quarter per record, sums what the active
// pixels of each record cost under regime 0's primed 16-neighbour
// counters minus under regime 1's; regime 1 if it is positive. Only the
// regime coding a record reads and moves its counters: each counter read
// learns its pixel's bit at the rate 1/(n + 1.5), n its count, which grows
// to the model's limit. A limit of 0 turns adaptation off.

import (
	"math/bits"

	"github.com/bbans/bbans/ans"
)

// BinCM models bytes 0 and 1 by mixing a BernoulliAR model's probability
// with adaptive counters over causal-neighbour bit patterns.
const BinCM Likelihood = 7

func init() { RegisterLikelihood(BinCM, bincmFamily{}) }

const (
	bcmRegimes   = 2 // 0: threshold-like records, 1: sampled-like
	bcmBits2     = 16
	bcmBits3     = 20
	bcmInputs    = 8
	bcmStMax     = 3071 // stretch range: logits in (-12, 12), units of 1/256
	bcmSqLen     = 2*bcmStMax + 1
	bcmNbSets    = 5  // set pixels among W, N, NW, NE
	bcmArSets    = 12 // buckets of the net's stretch (bcmArBucket)
	bcmCntSets   = 5  // count buckets of the 20-neighbour counter
	bcmSets      = bcmNbSets * bcmArSets * bcmCntSets
	bcmWeights   = bcmSets * bcmInputs
	bcmWeightMax = 1 << 24
	bcmMaxLimit  = 1023    // largest count limit
	bcmInit      = 1 << 31 // a counter's initial state: probability 1/2, count 0
	bcmQuiet     = 7       // bcmIn.cnt of a pixel coded with the net alone
	// bcmMaxWidth is the widest image: rows are kept as bit masks with
	// pixel x at bit x+3, and a window reads up to x+6.
	bcmMaxWidth = 57
)

// bcmCursor walks the contexts of a record's pixels in raster order.
// c3 is the 20-neighbour context of the current pixel x of row y: row y
// x-3..x-1 (bits 0-2), rows y-1 and y-2 x-3..x+3 (bits 3-9 and 10-16) and
// row y-3 x-1..x+1 (bits 17-19), 0 outside the image. q1, q2, q3 hold
// the pixels of rows y-1, y-2, y-3 that enter it next, and rows the
// rows above as bit masks (pixel x at bit x+3), r0 the row so far.
type bcmCursor struct {
	c3             uint32
	q1, q2, q3     uint64
	r0, r1, r2, r3 uint64
}

// startRow moves the cursor to the first pixel of the next row.
func (k *bcmCursor) startRow() {
	k.r3, k.r2, k.r1, k.r0 = k.r2, k.r1, k.r0, 0
	k.c3 = uint32(k.r1&127)<<3 | uint32(k.r2&127)<<10 | uint32(k.r3>>2&7)<<17
	k.q1, k.q2, k.q3 = k.r1>>7, k.r2>>7, k.r3>>5
}

// next moves the cursor past pixel x, whose bit was b.
func (k *bcmCursor) next(x int, b uint8) {
	k.r0 |= uint64(b&1) << (uint(x+3) & 63)
	k.c3 = k.c3>>1&^(1<<2|1<<9|1<<16) | uint32(b&1)<<2 | uint32(k.q1&1)<<9 | uint32(k.q2&1)<<16 | uint32(k.q3&1)<<19
	k.q1, k.q2, k.q3 = k.q1>>1, k.q2>>1, k.q3>>1
}

// bcmC2 returns the 16-neighbour context within c3: row y, row y-1, row
// y-2 x-2..x+2 and row y-3 x.
func bcmC2(c3 uint32) uint32 { return c3&1023 | c3>>11&31<<10 | c3>>18&1<<15 }

// bcmARCtx returns the BernoulliAR context within c3.
func bcmARCtx(c3 uint32) int { return int(bcmAR1[c3&1023] | bcmAR2[c3>>12&7]) }

// bcmAR1 and bcmAR2 map the bits of c3 to BernoulliAR's context bits:
// W, WW, NW, N, NE, NWW, NEE from bits 0-9, NNW, NN, NNE from bits 12-14.
var bcmAR1, bcmAR2 = func() (t1 [1024]uint16, t2 [8]uint16) {
	// c3 bit of each BernoulliAR neighbour k (arOffsets' order).
	src := [arNeighbours]int{2, 1, 5, 6, 13, 7, 4, 12, 14, 8}
	for k, bit := range src {
		for v := range t1 {
			if bit < 10 && v>>bit&1 != 0 {
				t1[v] |= 1 << k
			}
		}
		for v := range t2 {
			if bit >= 12 && v>>(bit-12)&1 != 0 {
				t2[v] |= 1 << k
			}
		}
	}
	return
}()

// bcmNbCount returns the number of set pixels among W, N, NW, NE of c3.
func bcmNbCount(c3 uint32) uint8 { return uint8(bits.OnesCount32(c3 & 0xe4)) }

// bcmArBucket returns the bucket of the net's stretch a: six
// magnitudes on each side, |a| < 256, 512, 896, 1280, 1792 or more.
func bcmArBucket(a int32) int { return int(bcmArBuckets[(a+bcmStMax+1)>>7]) }

var bcmArBuckets = func() (t [(2*bcmStMax+1)>>7 + 1]uint8) {
	for i := range t {
		a := int32(i<<7) - bcmStMax - 1 // the lowest stretch of entry i
		s, m := uint8(0), a
		if a < 0 {
			s, m = 6, -a-127 // entry i holds a..a+127, all of one sign
		}
		switch {
		case m < 256:
			t[i] = s
		case m < 512:
			t[i] = s + 1
		case m < 896:
			t[i] = s + 2
		case m < 1280:
			t[i] = s + 3
		case m < 1792:
			t[i] = s + 4
		default:
			t[i] = s + 5
		}
	}
	return
}()

var (
	// bcmCntBucket buckets a counter's count: 0, 1-2, 3-9, 10-49, 50+.
	bcmCntBucket = func() (t [bcmMaxLimit + 1]uint8) {
		for n := range t {
			switch {
			case n == 0:
			case n < 3:
				t[n] = 1
			case n < 10:
				t[n] = 2
			case n < 50:
				t[n] = 3
			default:
				t[n] = 4
			}
		}
		return
	}()
	// bcmRecip[n] = floor(2^17 / (2n + 3)): the rate 1/(n + 1.5) in
	// units of 2^-16.
	bcmRecip = func() (r [bcmMaxLimit + 1]int64) {
		for n := range r {
			r[n] = (1 << 17) / int64(2*n+3)
		}
		return
	}()
	// bcmCost[v>>4] is the cost of a bit of frequency v (16 bits) in
	// units of 2^-8 bits, 256·(16 - log2(v|8)), in integers.
	bcmCost = func() (t [1 << 12]int32) {
		for i := range t {
			t[i] = 16<<8 - ilog2Q8(uint32(i)<<4|8)
		}
		return
	}()
)

// ilog2Q8 returns floor(256·log2 v) for v > 0 by repeated squaring.
func ilog2Q8(v uint32) int32 {
	n := bits.Len32(v) - 1
	y := uint64(v) << (31 - n) // in [2^31, 2^32): 1 + fraction
	r := int32(n) << 8
	for k := 7; k >= 0; k-- {
		y = y * y >> 31
		if y >= 1<<32 {
			y >>= 1
			r |= 1 << k
		}
	}
	return r
}

// bcmLearn moves counter s (probability in its high 22 bits, count in its
// low 10) towards bit and counts it, up to limit.
func bcmLearn(s uint32, bit uint8, limit uint32) uint32 {
	p, n := int64(s>>10), s&1023
	p += (int64(bit)<<22 - p) * bcmRecip[n] >> 16
	if n < limit {
		n++
	}
	return uint32(p)<<10 | n
}

// bcmMix is a BinCM model's section and the tables derived from it.
type bcmMix struct {
	ar     []uint16 // BernoulliAR table
	squash []uint16 // bcmSqLen
	limit  uint32
	reg    [bcmRegimes]bcmParams

	// Derived: arPS[j] = ar[j] | St(ar[j])<<16, the net's probability and
	// its stretch in one load; st12[v] = St(16v + 8) for a counter of
	// probability v (12 bits); ev[c2<<1 | b] the regime evidence of bit b
	// in context c2.
	stretch []int16 // 65536: St(p), the inverse of squash
	arPS    []uint32
	st12    [1 << 12]int16
	ev      []int16
	fast    bcmFast
}

// bcmParams are one regime's mixing weights and primed counters.
type bcmParams struct {
	weights []int32 // bcmWeights
	primed2 []uint32
	primed3 []uint32
}

// derive computes the derived tables.
func (m *bcmMix) derive() {
	m.stretch = make([]int16, 1<<16)
	d := 0
	for v := range m.stretch {
		for d+1 < len(m.squash) && int(m.squash[d+1]) <= v {
			d++
		}
		m.stretch[v] = int16(d - bcmStMax)
	}
	m.arPS = make([]uint32, len(m.ar))
	for j, p := range m.ar {
		m.arPS[j] = uint32(p) | uint32(uint16(m.stretch[p]))<<16
	}
	for v := range m.st12 {
		m.st12[v] = m.stretch[v<<4|8]
	}
	m.ev = make([]int16, 2<<bcmBits2)
	for c := range 1 << bcmBits2 {
		p0, p1 := m.reg[0].primed2[c]>>16, m.reg[1].primed2[c]>>16
		m.ev[2*c+1] = int16(bcmCost[min(p0>>4, 1<<12-1)] - bcmCost[min(p1>>4, 1<<12-1)])
		p0, p1 = 1<<16-p0, 1<<16-p1
		m.ev[2*c] = int16(bcmCost[min(p0>>4, 1<<12-1)] - bcmCost[min(p1>>4, 1<<12-1)])
	}
	m.deriveFast()
}

// bcmIn is what the adaptive part gives a pixel: the counters'
// stretches, and in ctx the pixel's BernoulliAR context (bits 0-9, which
// hold W, N, NW, NE) and the count bucket (bits 10-12, bcmQuiet for a
// pixel coded with the net alone). Six bytes, and the encoder's Push
// needs no context walk of its own.
type bcmIn struct {
	s   [2]int16
	ctx uint16
}

// bcmNbMask selects W, NW, N, NE among BernoulliAR's context bits
// (arOffsets' order: W, WW, NW, N, NN, NE, ...).
const bcmNbMask = 1<<0 | 1<<2 | 1<<3 | 1<<5

func (in bcmIn) ar() int     { return int(in.ctx & (arContexts - 1)) }
func (in bcmIn) cnt() uint8  { return uint8(in.ctx >> 10) }
func (in bcmIn) nbc() uint8  { return uint8(bits.OnesCount16(in.ctx & bcmNbMask)) }
func (in bcmIn) quiet() bool { return in.ctx>>10 == bcmQuiet }

// bcmQuietIn is what a pixel coded with the net alone gets.
func bcmQuietIn(c3 uint32) bcmIn { return bcmIn{ctx: uint16(bcmARCtx(c3)) | bcmQuiet<<10} }

// bcmActiveIn is the bcmIn of a pixel with context c3 and counters v2, v3.
func (m *bcmMix) bcmActiveIn(c3, v2, v3 uint32) bcmIn {
	return bcmIn{s: [2]int16{m.st12[v2>>20], m.st12[v3>>20]}, ctx: uint16(bcmARCtx(c3)) | uint16(bcmCntBucket[v3&1023])<<10}
}

// bcmInput gathers a pixel's mixer inputs and weight set from ps (its
// arPS entry), in, and the record's raw decoder logits u (bcmRawLogits)
// at pixel i of rows of w.
func bcmInput(ps uint32, in bcmIn, u []int16, i, w int) (xs [bcmInputs]int32, set int) {
	a := int32(int16(ps >> 16))
	set = (int(in.nbc())*bcmArSets+bcmArBucket(a))*bcmCntSets + int(in.cnt())
	u = u[i : i+w+2]
	xs = [bcmInputs]int32{a, int32(in.s[0]), int32(in.s[1]), int32(u[0]), int32(u[1]), int32(u[w]), int32(u[w+1]), 256}
	return
}

// mix returns P(1) of a pixel as bcmInput and prob compute it, without
// the intermediate array (the coding paths).
func (m *bcmMix) mix(g *bcmParams, ps uint32, in bcmIn, u []int16, i, w int) uint16 {
	a := int32(int16(ps >> 16))
	set := (int(in.nbc())*bcmArSets+bcmArBucket(a))*bcmCntSets + int(in.cnt())
	wt := g.weights[set*bcmInputs:][:bcmInputs]
	u = u[i : i+w+2]
	dot := int64(wt[0])*int64(a) + int64(wt[1])*int64(in.s[0]) + int64(wt[2])*int64(in.s[1]) +
		int64(wt[3])*int64(u[0]) + int64(wt[4])*int64(u[1]) + int64(wt[5])*int64(u[w]) +
		int64(wt[6])*int64(u[w+1]) + int64(wt[7])*256
	return m.squash[min(max(dot>>16, -bcmStMax), bcmStMax)+bcmStMax]
}

// bcmRawLogits sets u[i] to the raw decoder logit 16·(t_i - 256) of
// every pixel and 0 for the w+1 entries past the record, which the
// neighbours right of, below and below right of the last pixels read.
func bcmRawLogits(u []int16, idx []uint16) {
	for i, t := range idx {
		u[i] = (int16(t) - arLogitMax*arLogitStep) << 4
	}
	clear(u[len(idx):])
}

// prob returns P(1) (16 bits) of a pixel with mixer inputs xs in weight
// set set, and the mixer's logit d.
func (m *bcmMix) prob(g *bcmParams, set int, xs *[bcmInputs]int32) (uint16, int32) {
	w := g.weights[set*bcmInputs:][:bcmInputs]
	dot := int64(w[0])*int64(xs[0]) + int64(w[1])*int64(xs[1]) + int64(w[2])*int64(xs[2]) +
		int64(w[3])*int64(xs[3]) + int64(w[4])*int64(xs[4]) + int64(w[5])*int64(xs[5]) +
		int64(w[6])*int64(xs[6]) + int64(w[7])*int64(xs[7])
	d := int32(min(max(dot>>16, -bcmStMax), bcmStMax))
	return m.squash[d+bcmStMax], d
}

// bcmState is the adaptive state: each regime's counters and the
// evidence for the regime of the next record.
type bcmState struct {
	t2    [bcmRegimes]*[1 << bcmBits2]uint32
	t3    [bcmRegimes]*[1 << bcmBits3]uint32
	dirty [bcmRegimes]bool // counters moved since the last reset
	// The fast paths mark instead the 64-byte lines of C3 they move (bit
	// j of lines[r] for counters 16j..16j+15) and moved[r] for C2, so
	// that reset copies only those: a chunk of 1,000 digits moves about
	// a tenth of C3 (a fifth if sampled), and copying all 4 MiB was a
	// twentieth of decoding.
	moved [bcmRegimes]bool
	lines [bcmRegimes]*[1 << (bcmBits3 - 4 - 6)]uint64
	score int64 // > 0: the records so far look sampled
}

func (m *bcmMix) newState() *bcmState {
	s := &bcmState{}
	for r := range s.t2 {
		s.t2[r], s.t3[r] = new([1 << bcmBits2]uint32), new([1 << bcmBits3]uint32)
		s.lines[r] = new([1 << (bcmBits3 - 4 - 6)]uint64)
		s.dirty[r] = true
	}
	s.reset(m)
	return s
}

// reset returns to the primed state, copying only the counters that
// moved.
func (s *bcmState) reset(m *bcmMix) {
	for r := range s.t2 {
		lines := s.lines[r]
		switch {
		case s.dirty[r]:
			copy(s.t2[r][:], m.reg[r].primed2)
			copy(s.t3[r][:], m.reg[r].primed3)
		case s.moved[r]:
			copy(s.t2[r][:], m.reg[r].primed2)
			t3, p3 := s.t3[r][:], m.reg[r].primed3
			for k, v := range lines {
				for v != 0 {
					j := (k<<6 | bits.TrailingZeros64(v)) << 4
					copy(t3[j:j+16], p3[j:j+16])
					v &= v - 1
				}
			}
		default:
			continue
		}
		clear(lines[:])
		s.dirty[r], s.moved[r] = false, false
	}
	s.score = 0
}

// regime returns the regime the next record is coded in.
func (s *bcmState) regime() int {
	if s.score > 0 {
		return 1
	}
	return 0
}

// adapt runs the adaptive part over record rec (rows of w pixels) in
// regime r: it sets ins[i] for every pixel, moves the counters if limit >
// 0 and folds the record's evidence into the score.
func (s *bcmState) adapt(m *bcmMix, r int, rec []byte, w int, ins []bcmIn, limit uint32) {
	var k bcmCursor
	var ev int64
	if limit > 0 {
		s.dirty[r] = true
	}
	t2, t3 := s.t2[r], s.t3[r]
	for y := 0; y < len(rec); y += w {
		row, in := rec[y:y+w], ins[y:y+w]
		k.startRow()
		for x, b := range row {
			if c3 := k.c3; c3 == 0 {
				in[x] = bcmQuietIn(c3)
			} else {
				c2 := bcmC2(c3)
				p2, p3 := &t2[c2&(1<<bcmBits2-1)], &t3[c3&(1<<bcmBits3-1)]
				in[x] = m.bcmActiveIn(c3, *p2, *p3)
				ev += int64(m.ev[c2<<1|uint32(b&1)])
				if limit > 0 {
					*p2 = bcmLearn(*p2, b, limit)
					*p3 = bcmLearn(*p3, b, limit)
				}
			}
			k.next(x, b)
		}
	}
	s.score += ev - s.score>>2
}

// probs sets pr to P(1) of every pixel of rec, coded in regime r with
// logit indices idx and adaptive inputs ins: the reference that
// probsFast, the encoder's path, equals.
func (m *bcmMix) probs(pr []uint16, r int, idx []uint16, u []int16, rec []byte, w int, ins []bcmIn) {
	var k bcmCursor
	g := &m.reg[r]
	for y := 0; y < len(rec); y += w {
		row, rp, ri, in := rec[y:y+w], pr[y:y+w], idx[y:y+w], ins[y:y+w]
		k.startRow()
		for x, b := range row {
			ps := m.arPS[bcmARCtx(k.c3)*arIdxLen+int(ri[x])]
			if in[x].quiet() {
				rp[x] = uint16(ps)
			} else {
				rp[x] = m.mix(g, ps, in[x], u, y+x, w)
			}
			k.next(x, b)
		}
	}
}

// pop pops record rec from lane pixel by pixel, adapting s as it goes:
// adapt and probs in one walk. It is the reference that popFast, the
// coder's path, equals.
func (s *bcmState) pop(msg *ans.Message, lane int, m *bcmMix, idx []uint16, u []int16, rec []byte, w int) {
	var k bcmCursor
	var pr [1]uint16
	var ev int64
	limit := m.limit
	r := s.regime()
	if limit > 0 {
		s.dirty[r] = true
	}
	g := &m.reg[r]
	t2, t3 := s.t2[r], s.t3[r]
	for y := 0; y < len(rec); y += w {
		row, ri := rec[y:y+w], idx[y:y+w]
		k.startRow()
		for x := range row {
			c3 := k.c3
			ps := m.arPS[bcmARCtx(c3)*arIdxLen+int(ri[x])]
			if c3 == 0 {
				pr[0] = uint16(ps)
				ans.PopBernoulli(msg, lane, pr[:], BernoulliPrec, row[x:x+1])
			} else {
				c2 := bcmC2(c3)
				p2, p3 := &t2[c2&(1<<bcmBits2-1)], &t3[c3&(1<<bcmBits3-1)]
				in := m.bcmActiveIn(c3, *p2, *p3)
				pr[0] = m.mix(g, ps, in, u, y+x, w)
				ans.PopBernoulli(msg, lane, pr[:], BernoulliPrec, row[x:x+1])
				b := row[x]
				ev += int64(m.ev[c2<<1|uint32(b)])
				if limit > 0 {
					*p2 = bcmLearn(*p2, b, limit)
					*p3 = bcmLearn(*p3, b, limit)
				}
			}
			k.next(x, row[x])
		}
	}
	s.score += ev - s.score>>2
}

type bincmFamily struct{}

func (bincmFamily) Name() string       { return "bernoulli-cm" }
func (bincmFamily) Alphabet() int      { return 2 }
func (bincmFamily) MaxComponents() int { return 1 }
func (bincmFamily) Params(*Arch) int   { return 1 }

// bcmTablesT is a BinCM model's section.
type bcmTablesT struct{ m *bcmMix }

// StateBytes is the size of a coder's adaptive state: both regimes'
// counters (ScratchBytes counts it).
func (t *bcmTablesT) StateBytes() int64 {
	return bcmRegimes*4*(1<<bcmBits2+1<<bcmBits3) + 64
}

func (t *bcmTablesT) NewCoder(a *Arch, slots int) LikCoder {
	c := &bcmCoder{m: t.m, R: a.RecordSize, W: a.RecordShape().RowBytes(), s: t.m.newState()}
	c.Reserve(slots)
	return c
}

// bcmCoder codes with one adaptive state. The decoder (and Cost) adapts
// as it pops; the encoder runs the adaptive part over the whole chunk in
// decode order in ChunkStart, keeping every pixel's inputs and every
// record's regime, and Push takes them in the reverse order.
type bcmCoder struct {
	m    *bcmMix
	R, W int
	s    *bcmState
	idx  []uint16 // slots x R
	u    []int16  // slots x (R + W + 1): bcmRawLogits
	pr   []uint16 // R

	order [][]byte
	ins   []bcmIn // len(order) x R
	regs  []uint8 // len(order)
	next  int
	cost  []bcmIn // R
}

func (c *bcmCoder) Reserve(slots int) {
	if len(c.idx) < slots*c.R {
		c.idx = make([]uint16, slots*c.R)
		c.u = make([]int16, slots*(c.R+c.W+1))
		c.pr = make([]uint16, c.R)
		c.cost = make([]bcmIn, c.R)
	}
}

func (c *bcmCoder) SetParams(slot int, out []int32) {
	setLogitIndex(c.idx[slot*c.R:(slot+1)*c.R], out)
	bcmRawLogits(c.slotU(slot), c.idx[slot*c.R:(slot+1)*c.R])
}

func (c *bcmCoder) slotU(slot int) []int16 {
	n := c.R + c.W + 1
	return c.u[slot*n : (slot+1)*n]
}

func (c *bcmCoder) ChunkStart(order [][]byte) {
	c.s.reset(c.m)
	c.order, c.regs = order, c.regs[:0]
	if order == nil {
		return
	}
	if n := len(order) * c.R; cap(c.ins) < n {
		c.ins = make([]bcmIn, n)
	} else {
		c.ins = c.ins[:n]
	}
	for i, rec := range order {
		r := c.s.regime()
		c.regs = append(c.regs, uint8(r))
		c.s.adaptFast(c.m, r, rec, c.W, c.ins[i*c.R:(i+1)*c.R], c.m.limit)
	}
	// Push needs only what the prepass kept; the next ChunkStart resets
	// the counters it moved.
	c.next = len(order) - 1
}

func (c *bcmCoder) Push(m *ans.Message, lane, slot int, rec []byte) {
	if c.next < 0 || len(rec) == 0 || &c.order[c.next][0] != &rec[0] {
		panic("vae: bernoulli-cm Push of a record out of the decode order ChunkStart gave")
	}
	i := c.next
	c.next--
	c.m.probsFast(c.pr, int(c.regs[i]), c.idx[slot*c.R:(slot+1)*c.R], c.slotU(slot), c.W, c.ins[i*c.R:(i+1)*c.R])
	ans.PushBernoulli(m, lane, rec, c.pr, BernoulliPrec)
}

func (c *bcmCoder) Pop(m *ans.Message, lane, slot int, rec []byte) {
	c.s.popFast(m, lane, c.m, c.idx[slot*c.R:(slot+1)*c.R], c.slotU(slot), rec, c.W)
}

func (c *bcmCoder) Cost(slot int, rec []byte, f func(freq uint32, prec uint)) {
	r := c.s.regime()
	c.s.adapt(c.m, r, rec, c.W, c.cost, c.m.limit)
	c.m.probs(c.pr, r, c.idx[slot*c.R:(slot+1)*c.R], c.slotU(slot), rec, c.W, c.cost)
	bitCosts(rec, c.pr, f)
}
