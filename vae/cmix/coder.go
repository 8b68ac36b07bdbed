package cmix

import (
	"unsafe"

	"github.com/bbans/bbans/simd"
)

// A BitDecoder gives the decoder's decisions: DecodeBit returns the next
// decision, which is 1 with probability p1/2^16.
type BitDecoder interface {
	DecodeBit(p1 uint16) uint8
}

// pad is the border of 0s around a record's planes: the farthest
// neighbour a context reads.
const pad = 3

// A Coder codes records with a model, adapting as it goes. It is not safe
// for concurrent use; make one per goroutine.
type Coder struct {
	m     *Model
	s     *state
	adapt bool

	planes []uint8 // level indices, one padded plane per channel
	errs   []int16 // version 2: each coded value minus its prediction, planes as planes
	pw     int     // padded row length: pad columns each side
	psz    int     // padded plane size: pad rows on top

	k    [maxCtx]uint64 // each context's key at this pixel
	h    [maxCtx]uint64 // each context's hash at this pixel
	base [maxCtx]uint32 // each context's group of 16 counters
	slot [maxCtx]uint32 // each context's counter for this decision
	chk  [maxCtx]uint32 // version 2: each context's check, << 8
	st   [maxIn]int32   // the counters' logits and the bias

	dirPred [maxDir]int32  // version 3: each predictor's value in half levels
	dirRow  [maxDir]int    // version 3: each direct map's table for this channel (depth 0)
	dirSlot [maxDir]uint32 // version 3: each direct map's counter for this decision
	ols     *olsState      // version 4: the online least-squares predictors
	ch      int            // the channel being coded
	cls     int            // version 3: the pixel's energy class

	sel    [maxMixers]int // the first mixers' selectors (A's is the node)
	selMap [maxMaps]int   // the maps' selectors
	pat    int            // 8 neighbours' pattern bits: mixer A's set when there is no tree
	pred   int            // version 2: the fitted prediction of this channel of this pixel
	w      [maxMixers][]int32
	d      [maxMixers]int32
	wf     []int32
	dF     int32
	mapLo  [maxMaps]int
	apmW   int32
	p      int32 // the decision's probability of a 1
}

// NewCoder returns a coder in the model's primed state, adapting.
func (m *Model) NewCoder() *Coder {
	c := &Coder{m: m, s: newState(m.lay, m.p.TableBits, m.p.C), adapt: true}
	c.s.copyFrom(m.primed)
	c.pw = m.p.W + 2*pad
	c.psz = c.pw * (m.p.H + pad)
	c.planes = make([]uint8, c.psz*m.p.C)
	if m.p.Version >= 2 {
		c.errs = make([]int16, c.psz*m.p.C)
	}
	if m.lay.ols {
		c.ols = newOLS(m)
	}
	return c
}

// CoderBytes bounds the memory NewCoder allocates (its state and its
// record planes), so that a caller given an untrusted model can refuse it
// before allocating: up to 64 MiB of counters at MaxTableBits. Each slice
// is counted with a page of rounding, as the Go allocator rounds large
// objects up to whole pages.
func (m *Model) CoderBytes() int64 {
	const page = 8 << 10
	l := m.lay
	planes := int64(m.p.W+2*pad) * int64(m.p.H+pad) * int64(m.p.C)
	n := int64(4)<<m.p.TableBits + int64(l.fixedBytes(m.p.C)) + planes
	slices := int64(4 + l.mixers) // counters, final weights, maps, planes, mixers
	if m.p.Version >= 2 {
		n += 2 * planes // errs
		slices++
	}
	if l.nDir > 0 {
		slices++ // direct maps
	}
	if l.ols {
		n += int64(unsafe.Sizeof(olsState{}))
		slices++
	}
	return n + slices*page + int64(unsafe.Sizeof(Coder{})+unsafe.Sizeof(state{}))
}

// Reset returns the coder to the model's primed state.
func (c *Coder) Reset() { c.s.copyFrom(c.m.primed) }

// SetAdapt turns learning on or off (on by default). A coder that does not
// adapt codes every record with the primed state.
func (c *Coder) SetAdapt(on bool) { c.adapt = on }

// Encode codes rec (which must be codable) and appends its decisions, in
// the order a decoder meets them, to bits (each 0 or 1) and their
// probabilities of a 1, in units of 2^-16 (1..2^16-1), to probs.
func (c *Coder) Encode(rec []byte, bits []byte, probs []uint16) ([]byte, []uint16) {
	return c.walk(rec, nil, bits, probs)
}

// Decode fills rec with a record whose decisions come from d.
func (c *Coder) Decode(rec []byte, d BitDecoder) {
	c.walk(rec, d, nil, nil)
}

func (c *Coder) walk(rec []byte, d BitDecoder, bits []byte, probs []uint16) ([]byte, []uint16) {
	m := c.m
	W, H, C := m.p.W, m.p.H, m.p.C
	tb := m.tree
	i := 0
	if c.ols != nil {
		c.ols.reset()
	}
	for y := 0; y < H; y++ {
		row := (y+pad)*c.pw + pad
		for x := 0; x < W; x++ {
			for ch := 0; ch < C; ch++ {
				c.contexts(row+x, x, y, ch)
				var v int
				if d == nil {
					v = int(m.index[rec[i]])
				}
				// Node 0: is the index 0?
				p := c.predict(0, 0, 0)
				var bit uint8
				if d == nil {
					if v != 0 {
						bit = 1
					}
					bits, probs = append(bits, bit), append(probs, uint16(p))
				} else {
					bit = d.DecodeBit(uint16(p))
				}
				c.update(bit)
				if bit != 0 {
					node := 1
					for k := 1; k <= tb; k++ {
						local := node
						if k >= 5 {
							if k == 5 {
								c.rebase(node)
							}
							local = node&(1<<(k-5)-1) | 1<<(k-5)
						}
						p = c.predict(uint32(local), node, k)
						var b uint8
						if d == nil {
							b = uint8((v - 1) >> (tb - k) & 1)
							bits, probs = append(bits, b), append(probs, uint16(p))
						} else {
							b = d.DecodeBit(uint16(p))
						}
						c.update(b)
						node = 2*node + int(b)
					}
					v = node - 1<<tb + 1
					if v >= len(m.p.Levels) {
						v = len(m.p.Levels) - 1 // a decoder fed damage: any level will do
					}
				} else {
					v = 0
				}
				c.planes[ch*c.psz+row+x] = uint8(v)
				if c.errs != nil {
					c.errs[ch*c.psz+row+x] = int16(v - c.pred)
				}
				if c.ols != nil {
					c.ols.update(ch, v)
				}
				if d != nil {
					rec[i] = m.p.Levels[v]
				}
				i++
			}
		}
	}
	return bits, probs
}

// rebase moves every context to the group of counters of the tree node
// (16..31) reached after four bits.
func (c *Coder) rebase(node int) {
	mask := uint32(1)<<c.m.p.TableBits - 1
	low := c.m.lay.lowNibble
	for j := 0; j < c.m.lay.nCtx; j++ {
		hj := c.h[j]
		if low != 0 && low&(1<<j) == 0 {
			hj = hash64(uint64(j) << 58)
		}
		h := (hj + uint64(node)*0x9e3779b97f4a7c15) * 0xbf58476d1ce4e5b9
		c.base[j] = uint32(h>>c.m.shift) & mask &^ 15
		c.chk[j] = uint32(h) & 0xff00
	}
}

func clampLogit(d int64) int32 {
	if d > logitMax {
		return logitMax
	}
	if d < -logitMax {
		return -logitMax
	}
	return int32(d)
}

// predict sets c.p, the probability of a 1 for the decision at tree node
// (0 for the first decision) of the given depth, whose counters are at
// local within each context's group.
func (c *Coder) predict(local uint32, node, depth int) int32 {
	l := c.m.lay
	t := c.s.t
	n := l.nIn
	if l.checked {
		for j := 0; j < l.nCtx; j++ {
			k := c.base[j] + local
			c.slot[j] = k
			v := t[k]
			if v&0xff00 == c.chk[j] && v&255 != 0 {
				c.st[j] = stretch(v >> 16)
				c.st[l.nCtx+j] = c.st[j] * int32(min(v&255, 31)) >> 5
			} else {
				c.st[j] = 0
				c.st[l.nCtx+j] = 0
			}
		}
	} else {
		for j := 0; j < l.nCtx; j++ {
			k := c.base[j] + local
			c.slot[j] = k
			c.st[j] = stretch(t[k] >> 16)
		}
	}
	c.st[n-1] = biasInput
	if l.nDir > 0 {
		split := c.direct(node, depth)
		if l.bySplit {
			c.splitSelectors(split)
		}
	}
	st := c.st[:n]
	c.wf = c.s.fin[node*l.nFinal : node*l.nFinal+l.nFinal]
	wf := c.wf
	var df int64
	for k := 0; k < l.mixers; k++ {
		j := node
		if k == 0 {
			if c.m.tree == 0 {
				j = c.pat
			}
			if l.byCh {
				j = j*MaxChannels + c.ch
			}
		} else {
			j = depth*l.perDepth[k] + c.sel[k]
		}
		w := c.s.mix[k][j*n : j*n+n]
		c.w[k] = w
		c.d[k] = clampLogit(simd.DotInt32(st, w) >> 16)
		df += int64(wf[k]) * int64(c.d[k])
	}
	df += int64(wf[l.mixers]) * biasInput
	c.dF = clampLogit(df >> 16)
	pf := squash(c.dF)

	pos := (c.dF + logitMax) * 32 // 0 .. 32·4094
	c.apmW = pos & 4095
	off := 0
	sum := l.avg[0] * int64(pf)
	for k, sz := range l.maps {
		c.mapLo[k] = (off+node*l.mapPer[k]+c.selMap[k])*apmB + int(pos>>12)
		off += sz
		a := c.s.apm[c.mapLo[k] : c.mapLo[k]+2]
		pa := (int32(a[0])*(4096-c.apmW) + int32(a[1])*c.apmW) >> 12
		sum += l.avg[k+1] * int64(pa)
	}
	c.p = int32(clampProb(sum >> l.avgShift))
	return c.p
}

func (c *Coder) update(bit uint8) {
	if !c.adapt {
		return
	}
	l := c.m.lay
	y := int32(bit)
	rate := int64(c.m.p.MixRate)
	t := c.s.t
	limit := uint32(c.m.p.Limit)
	if l.checked {
		c.updateChecked(y, limit)
	} else {
		target := int64(y) << 22
		for j := 0; j < l.nCtx; j++ {
			k := c.slot[j]
			s := t[k]
			n := s & 1023
			p := int64(s >> 10)
			p += ((target - p) * int64(rateTab[n])) >> 16
			if n < limit {
				n++
			}
			t[k] = uint32(p)<<10 | n
		}
	}
	if l.nDir > 0 {
		c.updateDirect(y, limit)
	}
	// A mixer whose output was within errSkip/2^16 of the decision learns
	// too little to be worth the time (most decisions of sparse images).
	st := c.st[:l.nIn]
	for k := 0; k < l.mixers; k++ {
		e := int64(y<<16-squash(c.d[k])) * rate
		if e > -errSkip*rate && e < errSkip*rate {
			continue
		}
		simd.TrainInt32(st, c.w[k], int32(e), 16, weightMax) // |e| <= 2^16·64
	}

	e := int64(y<<16-squash(c.dF)) * rate
	wf := c.wf
	for k := 0; k < l.mixers; k++ {
		wf[k] = clampWeight(int64(wf[k]) + (int64(c.d[k])*e)>>17)
	}
	wf[l.mixers] = clampWeight(int64(wf[l.mixers]) + (biasInput*e)>>17)

	g := int32(y<<16 - y)
	for _, lo := range c.mapLo[:len(l.maps)] {
		a := c.s.apm[lo : lo+2]
		a[0] = uint16(int32(a[0]) + (g-int32(a[0]))>>6)
		a[1] = uint16(int32(a[1]) + (g-int32(a[1]))>>6)
	}
}

const errSkip = 64

func clampWeight(w int64) int32 { return int32(min(max(w, -weightMax), weightMax)) }

// updateChecked updates version 2's counters. A counter whose check is
// not its context's belongs to another context: it loses one count, and
// when it has at most one left, the context takes it over, starting
// afresh.
func (c *Coder) updateChecked(y int32, limit uint32) {
	t := c.s.t
	target := int64(y) << 16
	for j := 0; j < c.m.lay.nCtx; j++ {
		k := c.slot[j]
		v := t[k]
		n := v & 255
		if v&0xff00 != c.chk[j] {
			if n > 1 {
				t[k] = v - 1
				continue
			}
			v, n = counterInit|c.chk[j], 0
		}
		p := int64(v >> 16)
		p += ((target - p) * int64(rateTab[n])) >> 16
		p = min(p, probOne-1)
		if n < limit {
			n++
		}
		t[k] = uint32(p)<<16 | c.chk[j] | n
	}
}
