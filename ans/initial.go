package ans

// The initial state of a message: what popping from nothing returns.
//
// An empty message's heads and the words it borrows from below its tail come
// from SplitMix64 (Steele, Lea & Flood 2014), a fixed generator, so that the
// latents popped from an empty message look like samples rather than always
// being the first symbol of each distribution, and yet the decoder needs no
// random state: everything is a function of the lane or the borrow index.

const (
	golden   = 0x9e3779b97f4a7c15
	headSeed = 0x4242414e53484541 // "BBANSHEA"
	wordSeed = 0x4242414e53574f52 // "BBANSWOR"
)

// splitmix64 returns the i-th output (from 0) of SplitMix64 started at seed.
func splitmix64(seed, i uint64) uint64 {
	z := seed + (i+1)*golden
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// initialHead is the head of lane in an empty message: a value in
// [2^62, 2^63), so about 62 bits can be popped before the first borrow.
func initialHead(lane int) uint64 {
	return 1<<62 | splitmix64(headSeed, uint64(lane))>>2
}

// borrowedWord is the i-th word (from 0) taken from below an empty tail.
func borrowedWord(i uint64) uint32 {
	return uint32(splitmix64(wordSeed, i) >> 32)
}
