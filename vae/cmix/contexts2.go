package cmix

// nCtx2 is the number of hashed contexts of version 2: those of version 1
// and twelve on the fitted linear prediction and its errors at the
// neighbours.
const nCtx2 = 40

// med is the median edge detector of LOCO-I: min(W, N) or max(W, N) at an
// edge, else the gradient W+N-NW.
func med(W, N, NW int) int {
	lo, hi := min(W, N), max(W, N)
	switch {
	case NW >= hi:
		return lo
	case NW <= lo:
		return hi
	}
	return W + N - NW
}

// contexts2 sets version 2's contexts 28..39, mixer D's selector and the
// third map's for channel ch at offset i (pl is the channel's plane), and
// c.pred.
func (c *Coder) contexts2(i, ch int, pl []uint8, W, N, NW, NE, WW, NN, grad int) {
	m := c.m
	hi := len(m.p.Levels) - 1
	q := &m.q
	var x [linInputs]int32
	cls := m.linInputsAt(c.planes, c.psz, c.pw, i, ch, &x)
	acc := m.linAcc(&x, ch, cls)
	if c.ols != nil {
		c.ols.predict(ch, &x, acc)
	}
	pr := clampTo(int((acc+1<<(linShift-1))>>linShift), hi)
	c.pred = pr
	pw := c.pw
	el := c.errs[ch*c.psz : (ch+1)*c.psz]
	eW, eN, eNW, eNE := int(el[i-1]), int(el[i-pw]), int(el[i-pw-1]), int(el[i-pw+1])
	eWW, eNN := int(el[i-2]), int(el[i-2*pw])
	dW, dN := diffClass(eW), diffClass(eN)
	k := &c.k
	k[28] = key(28, ch, pr, 0, 0, 0, 0, 0)
	k[29] = key(29, ch, pr, dW, dN, 0, 0, 0)
	k[30] = key(30, ch, pr, W, 0, 0, 0, 0)
	k[31] = key(31, ch, pr, N, 0, 0, 0, 0)
	k[32] = key(32, ch, pr, cls, diffClass(eNE), 0, 0, 0)
	k[33] = key(33, ch, pr>>1, dW, dN, diffClass(eNW), diffClass(eNE), 0)
	k[34] = key(34, ch, clampTo(pr+(eW+eN)/2, hi), 0, 0, 0, 0, 0)
	k[35] = key(35, ch, pr, diffClass(eWW), diffClass(eNN), 0, 0, 0)
	k[36] = key(36, ch, med(W, N, NW), dW, dN, 0, 0, 0)
	if ch > 0 {
		P := int(c.planes[(ch-1)*c.psz+i])
		ep := int(c.errs[(ch-1)*c.psz+i])
		k[37] = key(37, ch, pr, diffClass(ep), int(q[P]), 0, 0, 0)
		k[38] = key(38, ch, clampTo(pr+ep, hi), dW, 0, 0, 0, 0)
	} else {
		k[37] = key(37, ch, pr, NE, 0, 0, 0, 0)
		k[38] = key(38, ch, pr, int(q[W]), int(q[N]), int(q[NE]), int(q[NW]), 0)
	}
	k[39] = key(39, ch, pr>>2, cls, int(q[W])<<3|int(q[N]), int(q[NW])<<3|int(q[NE]), 0, 0)
	c.sel[3] = cls<<4 | dW
	c.selMap[2] = pr >> m.coarse
	if m.lay.nDir > 0 {
		c.sel[3] |= ch << 7
		c.contexts3(i, ch, cls, pl, acc)
	}
	_ = grad
}
