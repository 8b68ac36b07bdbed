package cmix

import "github.com/bbans/bbans/simd"

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
	pw     int     // padded row length: pad columns each side
	psz    int     // padded plane size: pad rows on top

	h    [nCtx]uint64 // each context's hash at this pixel
	base [nCtx]uint32 // each context's group of 16 counters
	slot [nCtx]uint32 // each context's counter for this decision
	st   [nIn]int32   // the counters' logits and the bias

	selB, selC, selAPM int
	pat                int // 8 neighbours' pattern bits: mixer A's set when there is no tree
	wa, wb, wc, wf     []int32
	dA, dB, dC, dF     int32
	apmLo, apm2Lo      int
	apmW               int32
	selAPM2            int
	p                  int32 // the decision's probability of a 1
}

// NewCoder returns a coder in the model's primed state, adapting.
func (m *Model) NewCoder() *Coder {
	c := &Coder{m: m, s: newState(m.p.TableBits), adapt: true}
	c.s.copyFrom(m.primed)
	c.pw = m.p.W + 2*pad
	c.psz = c.pw * (m.p.H + pad)
	c.planes = make([]uint8, c.psz*m.p.C)
	return c
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
	for j := range c.h {
		h := (c.h[j] + uint64(node)*0x9e3779b97f4a7c15) * 0xbf58476d1ce4e5b9
		c.base[j] = uint32(h>>c.m.shift) & mask &^ 15
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
	t := c.s.t
	ja := node
	if c.m.tree == 0 {
		ja = c.pat
	}
	c.wa = c.s.mixA[ja*nIn : ja*nIn+nIn]
	jb := (depth*64 + c.selB) * nIn
	c.wb = c.s.mixB[jb : jb+nIn]
	jc := (depth*64 + c.selC) * nIn
	c.wc = c.s.mixC[jc : jc+nIn]
	wa, wb, wc := c.wa[:nIn], c.wb[:nIn], c.wc[:nIn]
	for j := 0; j < nCtx; j++ {
		k := c.base[j] + local
		c.slot[j] = k
		c.st[j] = stretch(t[k] >> 16)
	}
	c.st[nCtx] = biasInput
	da := simd.DotInt32(c.st[:], wa)
	db := simd.DotInt32(c.st[:], wb)
	dc := simd.DotInt32(c.st[:], wc)
	c.dA, c.dB, c.dC = clampLogit(da>>16), clampLogit(db>>16), clampLogit(dc>>16)
	c.wf = c.s.mixF[node*nFinal : node*nFinal+nFinal]
	wf := c.wf
	df := int64(wf[0])*int64(c.dA) + int64(wf[1])*int64(c.dB) + int64(wf[2])*int64(c.dC) + int64(wf[3])*biasInput
	c.dF = clampLogit(df >> 16)
	pf := squash(c.dF)

	pos := (c.dF + logitMax) * 32 // 0 .. 32·4094
	c.apmLo = (node*8+c.selAPM)*apmB + int(pos>>12)
	c.apmW = pos & 4095
	c.apm2Lo = (apmSets1+node*64+c.selAPM2)*apmB + int(pos>>12)
	a := c.s.apm[c.apmLo : c.apmLo+2]
	pa := (int32(a[0])*(4096-c.apmW) + int32(a[1])*c.apmW) >> 12
	a2 := c.s.apm[c.apm2Lo : c.apm2Lo+2]
	pa2 := (int32(a2[0])*(4096-c.apmW) + int32(a2[1])*c.apmW) >> 12
	c.p = int32(clampProb(int64(2*pf+3*pa+3*pa2) >> 3))
	return c.p
}

func (c *Coder) update(bit uint8) {
	if !c.adapt {
		return
	}
	y := int32(bit)
	rate := int64(c.m.p.MixRate)
	ea := int64(y<<16-squash(c.dA)) * rate
	eb := int64(y<<16-squash(c.dB)) * rate
	ec := int64(y<<16-squash(c.dC)) * rate
	t := c.s.t
	limit := uint32(c.m.p.Limit)
	target := int64(y) << 22
	for j := 0; j < nCtx; j++ {
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
	// A mixer whose output was within errSkip/2^16 of the decision learns
	// too little to be worth the time (most decisions of sparse images).
	train := func(w []int32, e int64) {
		if e > -errSkip*rate && e < errSkip*rate {
			return
		}
		simd.TrainInt32(c.st[:], w[:nIn], int32(e), 16, weightMax) // |e| <= 2^16·64
	}
	train(c.wa, ea)
	train(c.wb, eb)
	train(c.wc, ec)

	e := int64(y<<16-squash(c.dF)) * rate
	wf := c.wf[:nFinal]
	wf[0] = clampWeight(int64(wf[0]) + (int64(c.dA)*e)>>17)
	wf[1] = clampWeight(int64(wf[1]) + (int64(c.dB)*e)>>17)
	wf[2] = clampWeight(int64(wf[2]) + (int64(c.dC)*e)>>17)
	wf[3] = clampWeight(int64(wf[3]) + (biasInput*e)>>17)

	g := int32(y<<16 - y)
	for _, lo := range [2]int{c.apmLo, c.apm2Lo} {
		a := c.s.apm[lo : lo+2]
		a[0] = uint16(int32(a[0]) + (g-int32(a[0]))>>6)
		a[1] = uint16(int32(a[1]) + (g-int32(a[1]))>>6)
	}
}

const errSkip = 64

func clampWeight(w int64) int32 { return int32(min(max(w, -weightMax), weightMax)) }
