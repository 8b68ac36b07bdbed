package vae

// The fast path of bernoulli-cm's decoder: the arithmetic of bcmState.pop
// (the reference, which TestBinCMFastPop compares against bit for bit)
// laid out for speed. Decoding is one chain of dependent steps (a pixel's
// contexts need the bits before it), so the walk is written to keep that
// chain short, as ContextMix's fast path is:
//
//   - the ANS pops go through ans.BitPopper, which the compiler inlines
//     (ans.PopBernoulli of one bit costs a call and its checks);
//   - the weight sets are fixed-size int64 rows with the bias input 256
//     folded in, read through an array pointer with a masked index, and
//     the squash, evidence and net tables are arrays too, so that no
//     look-up has a bounds check.

import "github.com/bbans/bbans/ans"

// bcmSetsPadded is bcmSets rounded up to a power of two, so that a
// masked set index needs no bounds check.
const bcmSetsPadded = 512

// bcmSqPadded is bcmSqLen rounded up to a power of two.
const bcmSqPadded = 8192

// bcmRow is one weight set as int64: the products with the mixer inputs
// are the reference's, term for term, and the last is the bias weight
// times 256.
type bcmRow [bcmInputs]int64

// bcmFast is the runtime form of a bcmMix that the fast path reads.
type bcmFast struct {
	// arSt[j] = St(ar[j]): a pixel the mixer codes needs only the net's
	// stretch, and at 1 MiB, half of arPS, more of it stays in cache. A
	// pixel coded with the net alone has context 0: ar0 is its row of ar
	// (arIdxLen entries, padded so that a masked index needs no check).
	arSt   *[arTableLen]int16
	ar0    *[1024]uint16
	squash *[bcmSqPadded]uint16
	ev     *[2 << bcmBits2]int16
	rows   [bcmRegimes]*[bcmSetsPadded]bcmRow
}

// deriveFast builds m.fast from the tables derive made.
func (m *bcmMix) deriveFast() {
	f := &m.fast
	f.arSt = new([arTableLen]int16)
	for j, ps := range m.arPS {
		f.arSt[j] = int16(ps >> 16)
	}
	f.ar0 = new([1024]uint16)
	copy(f.ar0[:], m.ar[:arIdxLen])
	f.squash = new([bcmSqPadded]uint16)
	copy(f.squash[:], m.squash)
	f.ev = (*[2 << bcmBits2]int16)(m.ev)
	for r := range f.rows {
		rows := new([bcmSetsPadded]bcmRow)
		w := m.reg[r].weights
		for s := range bcmSets {
			for j := range bcmInputs {
				rows[s][j] = int64(w[s*bcmInputs+j])
			}
			rows[s][bcmInputs-1] *= 256
		}
		f.rows[r] = rows
	}
}

// mixRow is bcmMix.mix on the fast tables: P(1) of a pixel with net
// stretch a (arSt), counter stretches s0, s1, set pixels nbc and count bucket
// cnt, and the raw logits uu of the pixel, right of it (uu[0], uu[1])
// and below it (uu[w], uu[w+1]).
func (f *bcmFast) mixRow(rows *[bcmSetsPadded]bcmRow, a16 int16, s0, s1 int16, nbc, cnt uint8, uu []int16, w int) uint16 {
	a := int32(a16)
	set := (int(nbc)*bcmArSets+bcmArBucket(a))*bcmCntSets + int(cnt)
	wt := &rows[set&(bcmSetsPadded-1)]
	dot := wt[0]*int64(a) + wt[1]*int64(s0) + wt[2]*int64(s1) +
		wt[3]*int64(uu[0]) + wt[4]*int64(uu[1]) + wt[5]*int64(uu[w]) +
		wt[6]*int64(uu[w+1]) + wt[7]
	return f.squash[(min(max(dot>>16, -bcmStMax), bcmStMax)+bcmStMax)&(bcmSqPadded-1)]
}

// bcmUp is the part of pixel x's c3 (bcmCursor) that the rows above give,
// from their masks r1, r2, r3 (pixel x at bit x+3): c3 = r0>>x&7 | bcmUp,
// r0 the mask of the row so far. Unlike the cursor it needs no state
// carried from pixel to pixel, so the compiler keeps everything in
// registers and the walk's chain is the bit, r0 and c3 alone.
func bcmUp(r1, r2, r3 uint64, x int) uint32 {
	s := uint(x) & 63
	return uint32(r1>>s&127)<<3 | uint32(r2>>s&127)<<10 | uint32(r3>>(s+2)&7)<<17
}

// popFast is pop on the fast path.
func (s *bcmState) popFast(msg *ans.Message, lane int, m *bcmMix, idx []uint16, u []int16, rec []byte, w int) {
	var ev int64
	f := &m.fast
	limit := m.limit
	r := s.regime()
	if limit > 0 {
		s.moved[r] = true
	}
	rows := f.rows[r]
	t2, t3, lines := s.t2[r], s.t3[r], s.lines[r]
	d := msg.BitPopper(lane)
	var r0, r1, r2, r3 uint64
	for y := 0; y < len(rec); y += w {
		row, ri := rec[y:y+w], idx[y:y+w]
		ri = ri[:len(row)]
		r3, r2, r1, r0 = r2, r1, r0, 0
		for x := range row {
			c3 := uint32(r0>>(uint(x)&63)&7) | bcmUp(r1, r2, r3, x)
			var b uint8
			if c3 == 0 {
				// The net's context is 0 too: its entry needs no context.
				b = uint8(d.Pop(f.ar0[ri[x]&1023]))
				d.Renorm()
			} else {
				a := f.arSt[bcmARCtx(c3)*arIdxLen+int(ri[x])]
				c2 := bcmC2(c3)
				p2, p3 := &t2[c2&(1<<bcmBits2-1)], &t3[c3&(1<<bcmBits3-1)]
				o := y + x
				p := f.mixRow(rows, a, m.st12[*p2>>20], m.st12[*p3>>20], bcmNbCount(c3), bcmCntBucket[*p3&1023], u[o:o+w+2:o+w+2], w)
				b = uint8(d.Pop(p))
				d.Renorm()
				ev += int64(f.ev[(c2<<1|uint32(b))&(2<<bcmBits2-1)])
				if limit > 0 {
					*p2 = bcmLearn(*p2, b, limit)
					*p3 = bcmLearn(*p3, b, limit)
					lines[c3>>10&(1<<(bcmBits3-10)-1)] |= 1 << (c3 >> 4 & 63)
				}
			}
			row[x] = b
			r0 |= uint64(b) << (uint(x+3) & 63)
		}
	}
	d.Close()
	s.score += ev - s.score>>2
}

// adaptFast is adapt on the fast path: bcmCursor's walk in local
// variables, which the compiler keeps in registers (the cursor's eight
// fields live in memory).
func (s *bcmState) adaptFast(m *bcmMix, r int, rec []byte, w int, ins []bcmIn, limit uint32) {
	var ev int64
	f := &m.fast
	if limit > 0 {
		s.moved[r] = true
	}
	t2, t3, lines := s.t2[r], s.t3[r], s.lines[r]
	var r0, r1, r2, r3 uint64
	for y := 0; y < len(rec); y += w {
		row, in := rec[y:y+w], ins[y:y+w]
		in = in[:len(row)]
		r3, r2, r1, r0 = r2, r1, r0, 0
		c3 := uint32(r1&127)<<3 | uint32(r2&127)<<10 | uint32(r3>>2&7)<<17
		q1, q2, q3 := r1>>7, r2>>7, r3>>5
		for x, b := range row {
			if c3 == 0 {
				in[x] = bcmIn{ctx: bcmQuiet << 10}
			} else {
				c2 := bcmC2(c3)
				p2, p3 := &t2[c2&(1<<bcmBits2-1)], &t3[c3&(1<<bcmBits3-1)]
				in[x] = m.bcmActiveIn(c3, *p2, *p3)
				ev += int64(f.ev[(c2<<1|uint32(b&1))&(2<<bcmBits2-1)])
				if limit > 0 {
					*p2 = bcmLearn(*p2, b, limit)
					*p3 = bcmLearn(*p3, b, limit)
					lines[c3>>10&(1<<(bcmBits3-10)-1)] |= 1 << (c3 >> 4 & 63)
				}
			}
			r0 |= uint64(b&1) << (uint(x+3) & 63)
			c3 = c3>>1&^(1<<2|1<<9|1<<16) | uint32(b&1)<<2 | uint32(q1&1)<<9 | uint32(q2&1)<<16 | uint32(q3&1)<<19
			q1, q2, q3 = q1>>1, q2>>1, q3>>1
		}
	}
	s.score += ev - s.score>>2
}

// probsFast is probs on the fast path: the prepass's ins hold each
// pixel's BernoulliAR context, so the walk needs no cursor.
func (m *bcmMix) probsFast(pr []uint16, r int, idx []uint16, u []int16, w int, ins []bcmIn) {
	f := &m.fast
	rows := f.rows[r]
	ins, idx = ins[:len(pr)], idx[:len(pr)]
	for i, in := range ins {
		if in.quiet() {
			pr[i] = f.ar0[idx[i]&1023]
			continue
		}
		a := f.arSt[in.ar()*arIdxLen+int(idx[i])]
		pr[i] = f.mixRow(rows, a, in.s[0], in.s[1], in.nbc(), in.cnt(), u[i:i+w+2:i+w+2], w)
	}
}
