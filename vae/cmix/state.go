package cmix

// The adaptive state: everything that learns. A Model keeps the primed
// state; each Coder a copy that it resets to the primed one.

const (
	nodes  = 256 // node 0 (the zero decision) and tree nodes 1..255
	depths = 9   // node depth: 0 for node 0, else the bit length of the tree node
	apmB   = 33  // buckets of an adaptive probability map over the logit

	maxCtx = nCtx2                 // the most hashed contexts of any version
	maxIn  = 2*maxCtx + maxDir + 1 // two inputs per context, the direct maps and a bias

	counterInit = uint32(1<<21) << 10 // P = 1/2, count 0
	biasInput   = 256
	weightInit  = 1 << 14
	weightMax   = 1 << 22
)

// A layout is the shape of a version's state.
type layout struct {
	nCtx   int // hashed contexts
	nIn    int // inputs of the first mixers: the contexts and a bias
	mixers int // first mixers: A, B, C (and D)
	sets   [maxMixers]int
	nFinal int   // final mixer inputs: the first mixers and a bias
	maps   []int // contexts of each adaptive probability map
	// lowNibble, if not 0, has bit j set for each context j that keeps
	// its value for the decisions after the fourth; the others code those
	// with their context number alone, so that they do not fill the table
	// with groups of counters seen once.
	lowNibble uint64
	// checked (version 2): a counter is p<<16 | check<<8 | n (16-bit
	// probability, 8 bits of its context's hash, count), a counter whose
	// check is not its context's counts as unseen, and each context has a
	// second input, its logit scaled by its count up to 31, so that the
	// mixers tell a context seen often from one seen once. Else (version
	// 1) a counter is p<<10 | n with a 22-bit p.
	checked bool
	// nDir (version 3) is the number of direct maps: adaptive counters
	// per predictor, channel, depth and the predictor's distance from
	// the decision's split (contexts3.go), one mixer input each.
	nDir int
	// perDepth is how many sets mixers B, C and D have per depth; byCh
	// (version 3) selects mixer A's set by channel as well as node, and
	// D's by channel (sets of D: perDepth[3] per depth).
	perDepth [maxMixers]int
	byCh     bool
	// mapPer is how many contexts each map has per node; avg the weights
	// of the final mixer's probability (first) and of each map's in the
	// average that is the decision's probability, in 2^-avgShift.
	mapPer   []int
	avg      []int64
	avgShift uint
	// bySplit (version 4): mixers E1 and E2 are selected by where the
	// predictions lie from the decision's split (contexts4.go).
	bySplit bool
	// dirBlocks is the number of direct-map tables per channel and depth;
	// ols (version 4) adds the online least-squares predictors (ols.go).
	dirBlocks int
	ols       bool
}

// maxMixers is the most first mixers of any version.
const maxMixers = 6

// Version 1: 28 contexts; mixer A per node, B and C per depth and two
// quantised neighbours; maps per node and q(W), per node and the coarse
// gradient prediction.
var layout1 = layout{
	nCtx: 28, nIn: 29, mixers: 3,
	sets:     [maxMixers]int{nodes, depths * 64, depths * 64},
	nFinal:   4,
	maps:     []int{nodes * 8, nodes * 64},
	mapPer:   []int{8, 64},
	avg:      []int64{2, 3, 3},
	avgShift: 3,
	perDepth: [maxMixers]int{0, 64, 64, 128},
}

// Version 2 adds the contexts of the fitted linear prediction and its
// neighbours' errors, checked counters and a second input per context, a
// mixer D per depth, energy class and the west error, and a map per node
// and the coarse prediction; most contexts code the decisions after the
// fourth with their number alone.
var layout2 = layout{
	nCtx: nCtx2, nIn: 2*nCtx2 + 1, mixers: 4,
	sets:      [maxMixers]int{nodes, depths * 64, depths * 64, depths * 128},
	nFinal:    5,
	maps:      []int{nodes * 8, nodes * 64, nodes * 64},
	mapPer:    []int{8, 64, 64},
	avg:       []int64{2, 2, 2, 2},
	avgShift:  3,
	checked:   true,
	lowNibble: lowNibble2,
	perDepth:  [maxMixers]int{0, 64, 64, 128},
}

const lowNibble2 = 1<<0 | 1<<1 | 1<<2 | 1<<3 | 1<<7 | 1<<8 | 1<<9 | 1<<10 | 1<<13 | 1<<22 |
	1<<28 | 1<<29 | 1<<30 | 1<<31 | 1<<34 | 1<<36

// Version 3 keeps version 2's contexts and adds the direct maps of many
// predictors (translation-invariant: they learn how the decision goes
// given where a prediction lies from the split, whatever the level), and
// selects mixers A and D by channel.
var layout3 = layout{
	nCtx: nCtx2, nIn: 2*nCtx2 + nDir3 + 1, mixers: 4,
	sets:      [maxMixers]int{nodes * MaxChannels, depths * 64, depths * 64, depths * 128 * MaxChannels},
	nFinal:    5,
	maps:      []int{nodes * 8, nodes * 64, nodes * 64},
	mapPer:    []int{8, 64, 64},
	avg:       []int64{2, 2, 2, 2},
	avgShift:  3,
	checked:   true,
	lowNibble: lowNibble2,
	nDir:      nDir3,
	dirBlocks: dirBlocks,
	perDepth:  [maxMixers]int{0, 64, 64, 128 * MaxChannels},
	byCh:      true,
}

func layoutOf(version int) *layout {
	switch version {
	case 1:
		return &layout1
	case 2:
		return &layout2
	case 3:
		return &layout3
	}
	return &layout4
}

// dirLen is the number of direct-map counters of a state for records of
// c channels.
func (l *layout) dirLen(c int) int {
	if l.nDir == 0 {
		return 0
	}
	return c * l.dirBlocks * depths * dirW
}

// fixedBytes is the size of the weights and maps in a state (and, version
// 3, the direct maps) for records of c channels.
func (l *layout) fixedBytes(c int) int {
	n := 4 * l.dirLen(c)
	for _, s := range l.sets[:l.mixers] {
		n += 4 * s * l.nIn
	}
	n += 4 * nodes * l.nFinal
	for _, s := range l.maps {
		n += 2 * s * apmB
	}
	return n
}

type state struct {
	t   []uint32           // counters: 22-bit probability << 10 | count (version 2: see layout.checked)
	dir []uint32           // version 3: direct maps, counters as version 1's
	mix [maxMixers][]int32 // mixers A, B, C, D (E1, E2): nIn weights per set
	fin []int32            // final mixer: nFinal weights per node
	apm []uint16           // 16-bit probabilities, apmB per context, map after map
}

func newState(l *layout, tableBits uint, channels int) *state {
	s := &state{t: make([]uint32, 1<<tableBits), fin: make([]int32, nodes*l.nFinal)}
	if l.nDir > 0 {
		s.dir = make([]uint32, l.dirLen(channels))
		for i := range s.dir {
			s.dir[i] = counterInit
		}
	}
	n := 0
	for _, m := range l.maps {
		n += m
	}
	s.apm = make([]uint16, n*apmB)
	for i := range s.t {
		s.t[i] = counterInit
	}
	for k := 0; k < l.mixers; k++ {
		s.mix[k] = make([]int32, l.sets[k]*l.nIn)
		for i := range s.mix[k] {
			s.mix[k][i] = weightInit
		}
	}
	for i := range s.fin {
		if i%l.nFinal < l.mixers {
			s.fin[i] = 1 << 16 / int32(l.mixers)
		}
	}
	for i := range s.apm {
		s.apm[i] = uint16(squash(int32(i%apmB-16) * 128))
	}
	return s
}

func (s *state) copyFrom(o *state) {
	copy(s.t, o.t)
	copy(s.dir, o.dir)
	for k := range s.mix {
		copy(s.mix[k], o.mix[k])
	}
	copy(s.fin, o.fin)
	copy(s.apm, o.apm)
}

// rateTab[n] = 2^17/(2n+3): a counter seen n times moves 1/(n+1.5) of the
// way to the decision.
var rateTab [1024]int32

func init() {
	for n := range rateTab {
		rateTab[n] = int32((1 << 17) / (2*n + 3))
	}
}
