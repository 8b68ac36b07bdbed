package cmix

import "math/bits"

// Logits are in steps of 1/128 in [-2047, 2047] (±16); probabilities of a
// 1 are 16-bit, P = p/2^16 with p in [1, 2^16-1].
const (
	logitMax  = 2047
	squashLen = 2*logitMax + 1
	probOne   = 1 << 16
)

// squashTab[d+logitMax] = 2^16·sigmoid(d/128), rounded, clamped to
// [1, 2^16-1]; stretchTab[p>>4] is the d whose squash is nearest to
// p>>4 of a 16-bit probability (the inverse, on 4096 buckets).
var (
	squashTab  [squashLen]uint16
	stretchTab [4096]int16
)

// expNeg128 is e^(-1/128) in fixed point with 64 fraction bits.
const expNeg128 = 18303190372430456779

func init() {
	// e = e^(-k/128) with 62 fraction bits, by repeated multiplication
	// (integers only, so every platform builds the same table); then
	// sigmoid(k/128) = 1/(1+e) and sigmoid(-k/128) = 1 - sigmoid(k/128).
	e := uint64(1) << 62
	for k := 0; k <= logitMax; k++ {
		den := uint64(1)<<62 + e
		// (2^78 + den/2)/den: 2^16·sigmoid, rounded.
		q, _ := bits.Div64(1<<14, den/2, den)
		p := clampProb(int64(q))
		squashTab[logitMax+k] = uint16(p)
		squashTab[logitMax-k] = uint16(clampProb(probOne - int64(q)))
		h, l := bits.Mul64(e, expNeg128)
		e = h
		if l >= 1<<63 {
			e++
		}
	}
	d := -logitMax
	for i := range stretchTab {
		target := int32(i)<<4 + 8
		for d < logitMax && absDiff(int32(squashTab[d+1+logitMax]), target) <= absDiff(int32(squashTab[d+logitMax]), target) {
			d++
		}
		stretchTab[i] = int16(d)
	}
}

func absDiff(a, b int32) int32 {
	if a > b {
		return a - b
	}
	return b - a
}

func clampProb(p int64) int64 {
	if p < 1 {
		return 1
	}
	if p > probOne-1 {
		return probOne - 1
	}
	return p
}

// squash maps a logit (any int32; clamped to ±logitMax) to a probability.
func squash(d int32) int32 {
	if d > logitMax {
		d = logitMax
	} else if d < -logitMax {
		d = -logitMax
	}
	return int32(squashTab[d+logitMax])
}

// stretch maps a 16-bit probability to its logit.
func stretch(p uint32) int32 { return int32(stretchTab[p>>4]) }
