package cmix

// The adaptive state: everything that learns. A Model keeps the primed
// state; each Coder a copy that it resets to the primed one.

const (
	nCtx     = 28          // hashed contexts (inputs of the first mixers)
	nIn      = nCtx + 1    // plus a bias input
	nodes    = 256         // node 0 (the zero decision) and tree nodes 1..255
	depths   = 9           // node depth: 0 for node 0, else the bit length of the tree node
	setsA    = nodes       // mixer A: a weight set per node
	setsB    = depths * 64 // mixer B: per depth and quantised W and N
	setsC    = depths * 64 // mixer C: per depth and quantised NW and NE
	nFinal   = 4           // final mixer inputs: A, B, C, bias
	setsF    = nodes
	apmB     = 33                  // buckets of an adaptive probability map over the logit
	apmSets1 = nodes * 8           // map 1: per node and q(W)
	apmSets  = apmSets1 + nodes*64 // map 2: per node and the gradient prediction, coarse

	counterInit = uint32(1<<21) << 10 // P = 1/2, count 0
	biasInput   = 256
	weightInit  = 1 << 14
	weightMax   = 1 << 22
)

type state struct {
	t    []uint32 // counters: 22-bit probability << 10 | count
	mixA []int32
	mixB []int32
	mixC []int32
	mixF []int32
	apm  []uint16 // 16-bit probabilities, apmB per context
}

func newState(tableBits uint) *state {
	s := &state{
		t:    make([]uint32, 1<<tableBits),
		mixA: make([]int32, setsA*nIn),
		mixB: make([]int32, setsB*nIn),
		mixC: make([]int32, setsC*nIn),
		mixF: make([]int32, setsF*nFinal),
		apm:  make([]uint16, apmSets*apmB),
	}
	for i := range s.t {
		s.t[i] = counterInit
	}
	for _, m := range [][]int32{s.mixA, s.mixB, s.mixC} {
		for i := range m {
			m[i] = weightInit
		}
	}
	for i := range s.mixF {
		if i%nFinal < 3 {
			s.mixF[i] = 1 << 16 / 3
		}
	}
	for i := range s.apm {
		s.apm[i] = uint16(squash(int32(i%apmB-16) * 128))
	}
	return s
}

func (s *state) copyFrom(o *state) {
	copy(s.t, o.t)
	copy(s.mixA, o.mixA)
	copy(s.mixB, o.mixB)
	copy(s.mixC, o.mixC)
	copy(s.mixF, o.mixF)
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
