package cmix

// Contexts of one channel of one pixel, from level indices of causal
// neighbours (0 outside the record), named by compass direction from the
// pixel: W is (x-1, y), N (x, y-1), NE (x+1, y-1), WW (x-2, y), and so on.
// P is the same pixel's previous channel, Wp and Np its neighbours.

// key packs a context number and up to six values below 256 into 64 bits.
func key(id, ch int, a, b, c, d, e, f int) uint64 {
	return uint64(id)<<58 | uint64(ch)<<56 | uint64(a)<<40 | uint64(b)<<32 |
		uint64(c)<<24 | uint64(d)<<16 | uint64(e)<<8 | uint64(f)
}

func hash64(k uint64) uint64 {
	k = (k + 1) * 0x9e3779b97f4a7c15
	k ^= k >> 29
	return k * 0xbf58476d1ce4e5b9
}

func clampTo(v, hi int) int {
	if v < 0 {
		return 0
	}
	if v > hi {
		return hi
	}
	return v
}

// contexts sets the hashes, counter groups and mixer selectors for channel
// ch of pixel (x, y), at offset i of the padded planes.
func (c *Coder) contexts(i, x, y, ch int) {
	m := c.m
	pw := c.pw
	c.ch = ch
	pl := c.planes[ch*c.psz : (ch+1)*c.psz]
	W, WW := int(pl[i-1]), int(pl[i-2])
	N, NW, NE := int(pl[i-pw]), int(pl[i-pw-1]), int(pl[i-pw+1])
	NWW, NEE := int(pl[i-pw-2]), int(pl[i-pw+2])
	NN, NNW, NNE := int(pl[i-2*pw]), int(pl[i-2*pw-1]), int(pl[i-2*pw+1])
	hi := len(m.p.Levels) - 1
	q := &m.q
	s := m.coarse
	grad := clampTo(W+N-NW, hi)
	k := &c.k
	*k = [maxCtx]uint64{
		key(0, ch, 0, 0, 0, 0, 0, 0),
		key(1, ch, W, 0, 0, 0, 0, 0),
		key(2, ch, N, 0, 0, 0, 0, 0),
		key(3, ch, W, N, 0, 0, 0, 0),
		key(4, ch, W, N, NW, 0, 0, 0),
		key(5, ch, N, NE, 0, 0, 0, 0),
		key(6, ch, W, N, NE, 0, 0, 0),
		key(7, ch, grad, 0, 0, 0, 0, 0),
		key(8, ch, clampTo(N+NE-NNE, hi), 0, 0, 0, 0, 0),
		key(9, ch, clampTo(W+NE-N, hi), 0, 0, 0, 0, 0),
		key(10, ch, (W+NE+1)>>1, 0, 0, 0, 0, 0),
		key(11, ch, W, WW, 0, 0, 0, 0),
		key(12, ch, N, NN, 0, 0, 0, 0),
		key(13, ch, clampTo(2*N-NN, hi), clampTo(2*W-WW, hi), 0, 0, 0, 0),
		key(14, ch, int(q[W])<<3|int(q[N]), int(q[NW])<<3|int(q[NE]), int(q[WW])<<3|int(q[NN]), 0, 0, 0),
		key(15, ch, int(q[W])<<3|int(q[N]), int(q[NW])<<3|int(q[NE]), int(q[WW])<<3|int(q[NN]),
			int(q[NNE])<<3|int(q[NNW]), int(q[NEE])<<3|int(q[NWW]), 0),
		key(16, ch, x>>8, x&255, y>>8, y&255, 0, 0),
		key(17, ch, x>>8, x&255, y>>8, y&255, int(q[W])<<3|int(q[N]), 0),
		key(18, ch, W>>s, N>>s, NW>>s, NE>>s, 0, 0),
		key(19, ch, W>>s, N>>s, NW>>s, NE>>s, WW>>s, NN>>s),
		0, 0, 0, 0,
		0, 0, 0, 0,
	}
	if ch > 0 {
		pp := c.planes[(ch-1)*c.psz : ch*c.psz]
		P, Wp, Np := int(pp[i]), int(pp[i-1]), int(pp[i-pw])
		k[20] = key(20, ch, P, 0, 0, 0, 0, 0)
		k[21] = key(21, ch, P, W, N, 0, 0, 0)
		k[22] = key(22, ch, clampTo(W+P-Wp, hi), 0, 0, 0, 0, 0)
		k[23] = key(23, ch, clampTo(N+P-Np, hi), clampTo(W+P-Wp, hi), 0, 0, 0, 0)
	} else {
		k[20] = key(20, ch, x>>8, x&255, y>>8, y&255, W, 0)
		k[21] = key(21, ch, W, N, NW, NE, 0, 0)
		k[22] = key(22, ch, grad, diffClass(N-NW), diffClass(W-NW), 0, 0, 0)
		k[23] = key(23, ch, N, NE, NN, NNE, 0, 0)
	}
	// Patterns: one bit per neighbour, set if its index is in the upper
	// half of the levels (the ink of a scan, the 1s of a binary image).
	half := (len(m.p.Levels) + 1) / 2
	bit := func(off int) int {
		if int(pl[i+off]) >= half {
			return 1
		}
		return 0
	}
	p6 := bit(-1) | bit(-pw)<<1 | bit(-pw-1)<<2 | bit(-pw+1)<<3 | bit(-2)<<4 | bit(-2*pw)<<5
	p12 := p6 | bit(-3)<<6 | bit(-pw-2)<<7 | bit(-pw+2)<<8 | bit(-2*pw-1)<<9 | bit(-2*pw+1)<<10 | bit(-3*pw)<<11
	p22 := p12 | bit(-pw-3)<<12 | bit(-pw+3)<<13 | bit(-2*pw-2)<<14 | bit(-2*pw+2)<<15 |
		bit(-3*pw-1)<<16 | bit(-3*pw+1)<<17 | bit(-2*pw-3)<<18 | bit(-2*pw+3)<<19 | bit(-3*pw-2)<<20 | bit(-3*pw+2)<<21
	k[24] = key(24, ch, p12>>8, p12&255, 0, 0, 0, 0)
	k[25] = key(25, ch, p22>>16, p22>>8&255, p22&255, 0, 0, 0)
	k[26] = key(26, ch, x>>8, x&255, y>>8, y&255, p6, 0)
	k[27] = key(27, ch, int(q[W])<<3|int(q[N]), p12>>8, p12&255, 0, 0, 0)
	c.pat = p12 & 255
	c.sel[1] = int(q[W])<<3 | int(q[N])
	c.sel[2] = int(q[NW])<<3 | int(q[NE])
	c.selMap[0] = int(q[W])
	c.selMap[1] = grad >> s
	if m.p.Version >= 2 {
		c.contexts2(i, ch, pl, W, N, NW, NE, WW, NN, grad)
	}
	mask := uint32(1)<<m.p.TableBits - 1
	for j := 0; j < m.lay.nCtx; j++ {
		h := hash64(k[j])
		c.h[j] = h
		c.base[j] = uint32(h>>m.shift) & mask &^ 15
		c.chk[j] = uint32(h) & 0xff00
	}
}

// diffClass maps a difference of level indices to 0..15: its sign and the
// bit length of its magnitude (at most 7).
func diffClass(d int) int {
	if d == 0 {
		return 0
	}
	n := 0
	for a := abs(d); a > 0 && n < 7; a >>= 1 {
		n++
	}
	if d < 0 {
		return 8 + n
	}
	return n
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
