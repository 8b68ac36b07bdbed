package cmix

// Version 3's direct maps. Each of nDir3 predictors gives a value for the
// channel of the pixel, in half levels; at each decision the value's
// distance from the decision's split (the boundary, in half levels,
// between the indices that make the decision 0 and those that make it 1)
// selects a counter of a small table per predictor, channel and depth.
// Unlike a hashed context on the prediction, the table is the same
// whatever the level: it learns how far the data strays from each
// predictor, which carries over to images unlike the training ones (the
// StationaryMaps of paq8px's image models work this way).

const (
	nDirPlain = 32                             // predictors with a table per channel and depth
	nDirCls   = 8                              // more, with a table per energy or error class too
	nDir3     = nDirPlain + nDirCls            // direct maps
	dirBlocks = nDirPlain + nDirCls*linClasses // tables per channel and depth
	dirR      = 255                            // distances are clamped to ±dirR half levels
	dirW      = 2*dirR + 2                     // counters per table (one spare)
)

// dirClsOf are the predictors whose values the per-class maps take.
var dirClsOf = [nDirCls]int{0, 2, 13, 18, 0, 2, 13, 18}

// errEdges are the edges of the error classes, on the 0..255 scale.
var errEdges = [linClasses - 1]int32{1, 3, 6, 10, 16, 28, 48}

// contexts3 sets the predictions of channel ch at offset i (pl is the
// channel's plane), acc the fitted linear prediction in units of
// 2^-linShift.
func (c *Coder) contexts3(i, ch, cls int, pl []uint8, acc int64) {
	c.cls = cls
	pw := c.pw
	hi2 := 2 * int32(len(c.m.p.Levels)-1)
	at := func(off int) int32 { return int32(pl[i+off]) }
	W, WW, WWW := at(-1), at(-2), at(-3)
	N, NW, NE, NWW, NEE, NWWW := at(-pw), at(-pw-1), at(-pw+1), at(-pw-2), at(-pw+2), at(-pw-3)
	NN, NNW, NNE, NNEE := at(-2*pw), at(-2*pw-1), at(-2*pw+1), at(-2*pw+2)
	NNN := at(-3 * pw)
	el := c.errs[ch*c.psz : (ch+1)*c.psz]
	eW, eN, eNE := int32(el[i-1]), int32(el[i-pw]), int32(el[i-pw+1])
	lin := int32(min(max((acc+1<<(linShift-2))>>(linShift-1), -1<<20), 1<<20)) // half levels
	lo4, hi4 := min(W, NW, N, NE), max(W, NW, N, NE)
	d := &c.dirPred
	// Full-level predictors are doubled to half levels; averages of two
	// are sums.
	d[0] = lin
	d[1] = 2 * (W + N - NW)
	d[2] = 2 * min(max(W+N-NW, lo4), hi4)
	d[3] = 2 * (W + NE - N)
	d[4] = 2 * (N + NW - NNW)
	d[5] = 2 * (N + NE - NNE)
	d[6] = W + NEE
	d[7] = 2 * (3*N - 3*NN + NNN)
	d[8] = 2 * (3*W - 3*WW + WWW)
	d[9] = 2 * (2*N - NN)
	d[10] = 2 * (2*W - WW)
	d[11] = W + N
	d[12] = N + NE
	d[13] = 2 * int32(med(int(W), int(N), int(NW)))
	d[14] = 2 * (NN + W - NNW)
	d[15] = 2 * (NW + W - NWW)
	d[16] = 2 * (N + NN - NNN)
	d[17] = (3*(W+N) - 2*NW) / 2
	d[18] = lin + eW + eN
	d[19] = 2 * W
	d[20] = 2 * N
	d[21] = 2 * NE
	d[22] = 2 * NW
	d[23] = W + N + NE - NNE
	if ch > 0 {
		pp := c.planes[(ch-1)*c.psz : ch*c.psz]
		P, Wp, Np, NEp, NWp := int32(pp[i]), int32(pp[i-1]), int32(pp[i-pw]), int32(pp[i-pw+1]), int32(pp[i-pw-1])
		eP := int32(c.errs[(ch-1)*c.psz+i])
		d[24] = 2 * P
		d[25] = 2 * (W + P - Wp)
		d[26] = 2 * (N + P - Np)
		d[27] = W + N + 2*P - Wp - Np
		d[28] = 2 * (NE + P - NEp)
		d[29] = 2 * (W + N - NW + P - (Wp + Np - NWp))
		d[30] = lin + 2*eP
		d[31] = 2 * (int32(med(int(W), int(N), int(NW))) + P - int32(med(int(Wp), int(Np), int(NWp))))
	} else {
		d[24] = 2 * NN
		d[25] = 2 * WW
		d[26] = NW + NE
		d[27] = 2 * (2*NE - NNEE)
		d[28] = 2 * (NWWW + W - NWW) // a step of the row above, carried along
		d[29] = (W + N + NE + NW) / 2
		d[30] = lin + 2*eW
		d[31] = lin + 2*eNE
	}
	for j := range d[:nDirPlain] {
		d[j] = min(max(d[j], 0), hi2)
	}
	base := ch * c.m.lay.dirBlocks * depths * dirW
	for j := range nDirPlain {
		c.dirRow[j] = base + j*depths*dirW
	}
	e := abs32(eW) + abs32(eN) + abs32(int32(el[i-pw-1])) + abs32(eNE)
	e = e * 255 / int32(len(c.m.p.Levels)-1)
	ecls := 0
	for _, b := range errEdges {
		if e >= b {
			ecls++
		}
	}
	for j, src := range dirClsOf {
		d[nDirPlain+j] = d[src]
		k := cls
		if j >= 4 {
			k = ecls
		}
		c.dirRow[nDirPlain+j] = base + (nDirPlain+j*linClasses+k)*depths*dirW
	}
	if c.m.lay.bySplit {
		c.contexts4(ch, base, ecls)
	}
}

// direct sets the direct maps' counters and mixer inputs for the decision
// at tree node (0 for the first decision) of the given depth, and returns
// the decision's split in half levels.
func (c *Coder) direct(node, depth int) int32 {
	// The split in half levels: index v >= s makes the decision 1, so the
	// boundary is 2s - 1.
	s := int32(1)
	if depth > 0 {
		tb := c.m.tree
		prefix := int32(node - 1<<(depth-1))
		s = prefix<<(tb-depth+1) + 1<<(tb-depth) + 1
	}
	split := 2*s - 1
	off := depth*dirW + dirR
	t := c.s.dir
	in := c.st[2*c.m.lay.nCtx:]
	for j, p := range c.dirPred[:c.m.lay.nDir] {
		k := uint32(c.dirRow[j] + off + int(min(max(p-split, -dirR), dirR)))
		c.dirSlot[j] = k
		in[j] = stretch(t[k] >> 16)
	}
	return split
}

// updateDirect moves the direct maps' counters towards the decision y, as
// version 1's counters move.
func (c *Coder) updateDirect(y int32, limit uint32) {
	t := c.s.dir
	target := int64(y) << 22
	for _, k := range c.dirSlot[:c.m.lay.nDir] {
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
