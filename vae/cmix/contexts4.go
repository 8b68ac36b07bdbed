package cmix

// Version 4's selectors. Version 3's mixers and maps are selected by the
// node, the channel and quantised neighbours, none of which says how near
// the decision is to being settled by the predictions: a prediction far
// from the decision's split makes the decision nearly certain and the
// contexts that agree with it worth more weight, one next to the split
// makes the decision a toss-up that only the finer contexts can call.
// Mixers E1 and E2 are selected by where predictions lie from the split,
// and two more maps refine the probability per node and the corrected
// fitted prediction and per node and the neighbours' energy and error.
// Version 4 also adds online least-squares predictors (ols.go), which
// follow the record at hand where the fitted predictor is one for all.

// maxMaps is the most adaptive probability maps of any version.
const maxMaps = 5

// Version 4 keeps version 3's inputs, adds two direct maps on the
// least-squares prediction, mixers E1 (per depth, channel and the
// least-squares prediction's distance from the split) and E2 (per depth
// and the distances of the corrected fitted prediction and of the median
// predictor), and maps per node and the corrected prediction and per
// node, energy and error class (SPEC.md section 3.6, "Version 4").
var layout4 = layout{
	nCtx: nCtx2, nIn: 2*nCtx2 + nDir4 + 1, mixers: 6,
	sets: [maxMixers]int{nodes * MaxChannels, depths * 64, depths * 64, depths * 128 * MaxChannels,
		depths * 16 * MaxChannels, depths * 256},
	nFinal:    7,
	maps:      []int{nodes * 8, nodes * 64, nodes * 64, nodes * 64, nodes * 64},
	mapPer:    []int{8, 64, 64, 64, 64},
	avg:       []int64{6, 2, 2, 2, 2, 2},
	avgShift:  4,
	checked:   true,
	lowNibble: lowNibble2,
	nDir:      nDir4,
	dirBlocks: dirBlocks + nDirOLS,
	ols:       true,
	perDepth:  [maxMixers]int{0, 64, 64, 128 * MaxChannels, 16 * MaxChannels, 256},
	byCh:      true,
	bySplit:   true,
}

// Version 4's direct maps after version 3's: the online least-squares
// prediction, and its average with the fitted one.
const (
	nDirOLS = 2
	nDir4   = nDir3 + nDirOLS
	maxDir  = nDir4
)

// contexts4 sets version 4's direct maps and the selectors of its maps 3
// and 4 for channel ch, whose tables start at base; ecls is the
// neighbours' error class.
func (c *Coder) contexts4(ch, base, ecls int) {
	hi2 := 2 * int32(len(c.m.p.Levels)-1)
	o := c.ols.pred[ch]
	d := &c.dirPred
	d[nDir3] = min(max(o, 0), hi2)
	d[nDir3+1] = min(max((o+d[0]+1)>>1, 0), hi2)
	for j := range nDirOLS {
		c.dirRow[nDir3+j] = base + (dirBlocks+j)*depths*dirW
	}
	c.selMap[3] = int(c.dirPred[18]>>1) >> c.m.coarse
	c.selMap[4] = c.cls<<3 | ecls
}

// splitSelectors sets the selectors of mixers E1 and E2 for the decision
// whose split, in half levels, is split: the sign and bit length of each
// prediction's distance from it (diffClass).
func (c *Coder) splitSelectors(split int32) {
	d := &c.dirPred
	c.sel[4] = c.ch<<4 | diffClass(int(d[nDir3]-split))
	c.sel[5] = diffClass(int(d[18]-split))<<4 | diffClass(int(d[13]-split))
}
