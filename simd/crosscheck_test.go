package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// guard is written around every output buffer; a kernel that stores
// outside its slice changes it.
const guard = 16

const guardWord = int32(-0x21524111) // 0xdeadbeef

// fill sets x to values drawn by mode: random, or the extremes of the type.
type fillMode int

const (
	fillRandom fillMode = iota
	fillMax             // in 255, w 127
	fillMin             // in 255, w -128: the pair sum VPMADDUBSW would saturate
	fillZero            // in 0, w -128
	fillMixed           // random choice among the extremes, per element
)

func (m fillMode) String() string {
	return [...]string{"random", "max", "min", "zero", "mixed"}[m]
}

func fillIn(rng *rand.Rand, x []uint8, m fillMode) {
	for i := range x {
		switch m {
		case fillRandom:
			x[i] = uint8(rng.Uint32())
		case fillMax, fillMin:
			x[i] = 255
		case fillZero:
			x[i] = 0
		case fillMixed:
			x[i] = [...]uint8{0, 1, 127, 128, 254, 255}[rng.IntN(6)]
		}
	}
}

func fillW(rng *rand.Rand, w []int8, m fillMode) {
	for i := range w {
		switch m {
		case fillRandom:
			w[i] = int8(rng.Uint32())
		case fillMax:
			w[i] = 127
		case fillMin, fillZero:
			w[i] = -128
		case fillMixed:
			w[i] = [...]int8{-128, -127, -1, 0, 1, 126, 127}[rng.IntN(7)]
		}
	}
}

// guarded returns a slice of n int32 with guard words on both sides, and a
// check that they are intact.
func guarded(t *testing.T, n int) ([]int32, func()) {
	buf := make([]int32, n+2*guard)
	for i := range buf {
		buf[i] = guardWord
	}
	return buf[guard : guard+n : guard+n], func() {
		t.Helper()
		for i := range guard {
			if buf[i] != guardWord || buf[guard+n+i] != guardWord {
				t.Fatalf("write outside the output slice (guard %d)", i)
			}
		}
	}
}

// checkLevels is the shared cross-check: it runs run for every level this
// build and CPU support and compares each result with the Generic one,
// element by element with ==.
func checkLevels[T comparable](t *testing.T, name string, n int, run func(l Level, out []T)) {
	t.Helper()
	want := make([]T, n)
	run(Generic, want)
	for _, l := range Levels()[1:] {
		got := make([]T, n)
		run(l, got)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: level %v: element %d = %v, reference %v", name, l, i, got[i], want[i])
			}
		}
	}
}

// matMulCase runs one shape through every level with guards around out and
// inputs that end at a page boundary where the OS allows it.
func matMulCase(t *testing.T, rng *rand.Rand, batch, n, k int, mode fillMode, withBias bool) {
	t.Helper()
	in := edgeBytes(t, batch*k)
	fillIn(rng, in, mode)
	wv := make([]int8, n*k)
	fillW(rng, wv, mode)
	w := Pack(wv, n, k)
	var bias []int32
	if withBias {
		bias = edgeInt32(t, n)
		for i := range bias {
			bias[i] = int32(rng.Uint32())
			if mode != fillRandom {
				bias[i] = [...]int32{-1 << 31, 1<<31 - 1, 0}[rng.IntN(3)]
			}
		}
	}
	name := fmt.Sprintf("batch=%d n=%d k=%d %v bias=%v", batch, n, k, mode, withBias)
	checkLevels(t, name, batch*n, func(l Level, res []int32) {
		out, check := guarded(t, batch*n)
		matMul(l, out, in, batch, w, bias)
		check()
		copy(res, out)
	})
}

// The K values sit around every vector width (4-byte quads, 2-byte pairs)
// and the model shapes; N around the 16-output groups and the 4-group tiles;
// batch around the 4- and 6-record tiles.
var (
	crossK     = append(seq(0, 70), 99, 100, 101, 127, 128, 129, 199, 200, 201, 255, 256, 257, 783, 784, 785)
	crossN     = append(seq(1, 17), 31, 32, 33, 47, 48, 49, 63, 64, 65, 79, 80, 81, 100, 113, 784)
	crossBatch = append(seq(0, 13), 17, 23, 24, 25, 31, 32, 33)
)

func seq(lo, hi int) []int {
	var s []int
	for i := lo; i <= hi; i++ {
		s = append(s, i)
	}
	return s
}

func TestMatMulCrossCheck(t *testing.T) {
	t.Logf("levels %v, current %v", Levels(), Current())
	rng := rand.New(rand.NewPCG(1, 2))
	ks := crossK
	if testing.Short() {
		ks = []int{0, 1, 2, 3, 4, 5, 7, 8, 63, 64, 65, 784, 785}
	}
	for _, k := range ks {
		// Every N with a rotating batch, then every batch with a rotating N.
		for i, n := range crossN {
			b := crossBatch[(i+k)%len(crossBatch)]
			if n*k*b > 2e6 {
				b %= 8
			}
			matMulCase(t, rng, b, n, k, fillMode((i+k)%5), (i+k)%3 != 0)
		}
		for i, b := range crossBatch {
			n := crossN[(i*7+k)%len(crossN)]
			if n*k*b > 2e6 {
				n = 17
			}
			matMulCase(t, rng, b, n, k, fillMode((i+k+1)%5), i%2 == 0)
		}
	}
}

// TestMatMulExtremes runs every fill mode on shapes that reach the largest
// and smallest sums: K = 784 of 255 * -128 and 255 * 127.
func TestMatMulExtremes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, mode := range []fillMode{fillMax, fillMin, fillZero, fillMixed, fillRandom} {
		for _, s := range [][3]int{{1, 100, 784}, {7, 33, 785}, {13, 65, 255}, {6, 64, 4}, {256, 100, 784}} {
			matMulCase(t, rng, s[0], s[1], s[2], mode, true)
			matMulCase(t, rng, s[0], s[1], s[2], mode, false)
		}
	}
}

// TestMatMulWraps checks that every level wraps int32 like Go: K large
// enough that 255*-128*K overflows.
func TestMatMulWraps(t *testing.T) {
	if testing.Short() {
		t.Skip("large K")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	matMulCase(t, rng, 3, 17, 70000, fillMin, true)
	matMulCase(t, rng, 2, 16, 70001, fillMax, false)
}
