package dataset

import "fmt"

// Binarization names how 8-bit records become binary ones (SPEC.md
// section 2).
type Binarization int

const (
	// None keeps the bytes as they are.
	None Binarization = iota
	// Threshold maps a byte to 1 if it is at least 128, else 0.
	Threshold
	// Sampled maps byte v to 1 with probability v/255, drawing from
	// SplitMix64 seeded with SampledSeed, one draw per byte in file order
	// (see Sample).
	Sampled
	// Dynamic draws a fresh sampled binarization every training epoch; it
	// exists only for training.
	Dynamic
	// Mixed binarizes each training record afresh every epoch, by
	// threshold or by sampling with equal probability, so that one model
	// learns both; it exists only for training.
	Mixed
)

var binarizationNames = [...]string{"none", "threshold", "sampled", "dynamic", "mixed"}

func (b Binarization) String() string {
	if b >= 0 && int(b) < len(binarizationNames) {
		return binarizationNames[b]
	}
	return fmt.Sprintf("Binarization(%d)", int(b))
}

// ParseBinarization parses none, threshold, sampled, dynamic or mixed.
func ParseBinarization(s string) (Binarization, error) {
	for i, n := range binarizationNames {
		if s == n {
			return Binarization(i), nil
		}
	}
	return None, fmt.Errorf("dataset: unknown binarization %q (want none, threshold, sampled, dynamic or mixed)", s)
}

// SampledSeed seeds the SplitMix64 generator of the sampled binarization:
// the ASCII bytes "bbans" read as a big-endian number.
const SampledSeed uint64 = 0x6262616e73

// SplitMix64 is the generator of Steele, Lea and Flood (2014) as in
// Vigna's splitmix64.c: the state advances by 0x9e3779b97f4a7c15 and each
// output is the state after the addition passed through the mix below.
type SplitMix64 struct{ State uint64 }

// Next returns the next 64-bit output.
func (s *SplitMix64) Next() uint64 {
	s.State += 0x9e3779b97f4a7c15
	z := s.State
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// sampleBit returns 1 with probability v/255 given a 64-bit draw: with u
// the draw's high 32 bits, the bit is 1 iff u*255 < v*2^32. So 0 always
// gives 0 and 255 always gives 1.
func sampleBit(draw uint64, v byte) byte {
	if (draw>>32)*255 < uint64(v)<<32 {
		return 1
	}
	return 0
}

// Binarize returns a binarized copy of d by Threshold, or by Sampled with
// the generator seeded with SampledSeed. None returns d itself.
func Binarize(d *Dataset, b Binarization) (*Dataset, error) {
	switch b {
	case None:
		return d, nil
	case Threshold:
		out := make([]byte, len(d.Data))
		for i, v := range d.Data {
			out[i] = v >> 7
		}
		return &Dataset{RecordSize: d.RecordSize, Shape: d.Shape, Data: out}, nil
	case Sampled:
		return Sample(d, SampledSeed), nil
	}
	return nil, fmt.Errorf("dataset: binarization %v is for training only", b)
}

// Sample returns the sampled binarization of d with a SplitMix64 generator
// seeded with seed: one draw per byte of d.Data, in order, through
// sampleBit. Binarize uses seed SampledSeed.
func Sample(d *Dataset, seed uint64) *Dataset {
	out := make([]byte, len(d.Data))
	g := SplitMix64{State: seed}
	for i, v := range d.Data {
		out[i] = sampleBit(g.Next(), v)
	}
	return &Dataset{RecordSize: d.RecordSize, Shape: d.Shape, Data: out}
}
