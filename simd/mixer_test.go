package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// Lengths around every vector width of the mixer kernels (8 int16 in an
// xmm or NEON register, 16 in a ymm, 32 in a zmm) and the mixer sizes.
var crossMix = append(seq(0, 70), 95, 96, 97, 127, 128, 129, 255, 256, 257, 1000, 1023)

// fillInt16 sets x by mode: random, the extremes, random extremes per
// element, or the stretch range of paq8px (-2047..2047).
func fillInt16(rng *rand.Rand, x []int16, m fillMode) {
	for i := range x {
		switch m {
		case fillRandom:
			x[i] = int16(rng.Uint32())
		case fillMax:
			x[i] = 32767
		case fillMin:
			x[i] = -32768
		case fillZero:
			x[i] = int16(rng.IntN(4095) - 2047)
		case fillMixed:
			x[i] = [...]int16{-32768, -32767, -16385, -16384, -1, 0, 1, 16383, 16384, 32766, 32767}[rng.IntN(11)]
		}
	}
}

// edgeInt16 is edgeBytes for int16: a slice that ends at an inaccessible
// page where the OS allows it.
func edgeInt16(t *testing.T, n int) []int16 {
	b := edgeBytes(t, 2*n)
	if n == 0 {
		return []int16{}
	}
	return unsafe.Slice((*int16)(unsafe.Pointer(&b[0])), n)
}

// guarded16 returns a copy of w with guard words on both sides, and a
// check that they are intact.
func guarded16(t *testing.T, w []int16) ([]int16, func()) {
	const g = int16(-0x2153)
	buf := make([]int16, len(w)+2*guard)
	for i := range buf {
		buf[i] = g
	}
	out := buf[guard : guard+len(w) : guard+len(w)]
	copy(out, w)
	return out, func() {
		t.Helper()
		for i := range guard {
			if buf[i] != g || buf[guard+len(w)+i] != g {
				t.Fatalf("write outside the weights (guard %d)", i)
			}
		}
	}
}

// mixCase cross-checks DotInt16 and TrainInt16 on one input on every level.
func mixCase(t *testing.T, x, w []int16, shift uint, err int16) {
	t.Helper()
	name := fmt.Sprintf("n=%d shift=%d err=%d", len(x), shift, err)
	checkLevels(t, "DotInt16 "+name, 1, func(l Level, res []int32) {
		res[0] = dotInt16(l, x, w, shift)
	})
	checkLevels(t, "TrainInt16 "+name, len(w), func(l Level, res []int16) {
		ww, check := guarded16(t, w)
		trainInt16(l, x, ww, err)
		check()
		copy(res, ww)
	})
}

// fillInt32 sets x by mode: random, the extremes, random extremes per
// element, or a mixer's ranges (stretch inputs, weights within 2^22).
func fillInt32(rng *rand.Rand, x []int32, m fillMode, small int32) {
	for i := range x {
		switch m {
		case fillRandom:
			x[i] = int32(rng.Uint32())
		case fillMax:
			x[i] = 1<<31 - 1
		case fillMin:
			x[i] = -1 << 31
		case fillZero:
			x[i] = rng.Int32N(2*small+1) - small
		case fillMixed:
			x[i] = [...]int32{-1 << 31, -1<<31 + 1, -1 << 22, -2047, -1, 0, 1, 2047, 1 << 22, 1<<31 - 1}[rng.IntN(10)]
		}
	}
}

// guarded32 is guarded with w's values inside.
func guarded32(t *testing.T, w []int32) ([]int32, func()) {
	out, check := guarded(t, len(w))
	copy(out, w)
	return out, check
}

// mix32Case cross-checks DotInt32 and TrainInt32 on every level.
func mix32Case(t *testing.T, x, w []int32, err int32, shift uint, limit int32) {
	t.Helper()
	name := fmt.Sprintf("n=%d err=%d shift=%d limit=%d", len(x), err, shift, limit)
	checkLevels(t, "DotInt32 "+name, 1, func(l Level, res []int64) {
		res[0] = dotInt32(l, x, w)
	})
	checkLevels(t, "TrainInt32 "+name, len(w), func(l Level, res []int32) {
		ww, check := guarded32(t, w)
		trainInt32(l, x, ww, err, shift, limit)
		check()
		copy(res, ww)
	})
}

func TestMixer32CrossCheck(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	errs := []int32{-1 << 31, -1<<31 + 1, -1 << 22, -1, 0, 1, 64 << 16, 1<<31 - 1}
	limits := []int32{0, 1, 1 << 22, 1<<31 - 1}
	for i, n := range crossMix {
		for j, mode := range []fillMode{fillRandom, fillMax, fillMin, fillZero, fillMixed} {
			x := edgeInt32(t, n)
			fillInt32(rng, x, mode, 2047)
			w := make([]int32, n)
			fillInt32(rng, w, fillMode((i+j)%5), 1<<22)
			shift := uint(i*5+j) % 64
			if j == 0 {
				shift = []uint{0, 16, 17, 63}[i%4]
			}
			mix32Case(t, x, w, errs[(i+j)%len(errs)], shift, limits[(i+2*j)%len(limits)])
			mix32Case(t, x, w, int32(rng.Uint32()), 16, 1<<22)
		}
	}
}

// TestDotInt32Definition checks the exact sum, and the wrap of a sum of
// the largest products, on every level.
func TestDotInt32Definition(t *testing.T) {
	x := make([]int32, 40)
	w := make([]int32, 40)
	var want int64
	for i := range x {
		x[i], w[i] = int32(i*1000-20000), int32(1<<22-i*77777)
		want += int64(x[i]) * int64(w[i])
	}
	big := []int32{-1 << 31, -1 << 31, -1 << 31, -1 << 31, -1 << 31, -1 << 31, -1 << 31, -1 << 31, 3}
	for _, l := range Levels() {
		if got := dotInt32(l, x, w); got != want {
			t.Errorf("level %v: DotInt32 = %d, want %d", l, got, want)
		}
		// Nine products: eight of 2^62 (wrapping to 0 mod 2^64) and 9.
		if got := dotInt32(l, big, big); got != 9 {
			t.Errorf("level %v: DotInt32 of 2^62 products = %d, want 9 (mod 2^64)", l, got)
		}
	}
}

func TestMixerCrossCheck(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	errs := []int16{-32768, -32767, -1, 0, 1, 7, 1000, -4096, 32767}
	for i, n := range crossMix {
		for j, mode := range []fillMode{fillRandom, fillMax, fillMin, fillZero, fillMixed} {
			// Inputs end at a page boundary; weights are a fresh slice.
			x := edgeInt16(t, n)
			fillInt16(rng, x, mode)
			w := make([]int16, n)
			fillInt16(rng, w, fillMode((j+i)%5))
			shift := uint(i+j) % 32
			if j == 0 {
				shift = []uint{0, 8, 16, 31}[i%4]
			}
			mixCase(t, x, w, shift, errs[(i+j)%len(errs)])
			mixCase(t, x, w, 8, int16(rng.Uint32()))
		}
	}
}

// TestDotInt16Definition checks DotInt16 against sums written out, on
// every level: the plain dot product at shift 0, the per-pair shift, the
// odd last element, and the one wrapping pair.
func TestDotInt16Definition(t *testing.T) {
	for _, c := range []struct {
		x, w  []int16
		shift uint
		want  int32
	}{
		{nil, nil, 0, 0},
		{[]int16{3}, []int16{-5}, 0, -15},
		{[]int16{3}, []int16{-5}, 1, -8}, // floor(-7.5)
		{[]int16{1, 2, 3}, []int16{4, 5, 6}, 0, 32},
		{[]int16{1, 2, 3}, []int16{4, 5, 6}, 2, 3 + 4}, // 14>>2 + 18>>2
		{[]int16{-32768, -32768}, []int16{-32768, -32768}, 0, -1 << 31},
		{[]int16{-32768, -32768}, []int16{-32768, -32768}, 8, -1 << 23},
		{[]int16{-32768, -32768, 0, 5}, []int16{-32768, -32768, 0, 1}, 0, -1<<31 + 5},
	} {
		for _, l := range Levels() {
			if got := dotInt16(l, c.x, c.w, c.shift); got != c.want {
				t.Errorf("level %v: DotInt16(%v, %v, %d) = %d, want %d", l, c.x, c.w, c.shift, got, c.want)
			}
		}
	}
	// A long sum wraps modulo 2^32 on every level.
	x := make([]int16, 1000)
	w := make([]int16, 1000)
	for i := range x {
		x[i], w[i] = 32767, 32767
	}
	exact := int64(len(x)) * 32767 * 32767
	want := int32(uint32(exact)) // the low 32 bits
	for _, l := range Levels() {
		if got := dotInt16(l, x, w, 0); got != want {
			t.Errorf("level %v: 1000 products of 32767^2 = %d, want %d (mod 2^32)", l, got, want)
		}
	}
}

// TestTrainInt16Definition checks the documented rounding: for inputs in
// [-16384, 16383] the step is round(x*err/2^16) with halves up, and the
// add saturates.
func TestTrainInt16Definition(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for range 2000 {
		n := rng.IntN(40)
		x := make([]int16, n)
		w := make([]int16, n)
		for i := range x {
			x[i] = int16(rng.IntN(32768) - 16384)
			w[i] = int16(rng.Uint32())
		}
		err := int16(rng.Uint32())
		for _, l := range Levels() {
			got := append([]int16(nil), w...)
			trainInt16(l, x, got, err)
			for i := range x {
				// floor(x*err/2^16 + 1/2), exactly, in int64.
				step := (int64(x[i])*int64(err) + 1<<15) >> 16
				want := min(max(int64(w[i])+step, -32768), 32767)
				if int64(got[i]) != want {
					t.Fatalf("level %v: x=%d err=%d w=%d: trained to %d, want %d", l, x[i], err, w[i], got[i], want)
				}
			}
		}
	}
}

func TestMixerLengthMismatch(t *testing.T) {
	for name, f := range map[string]func(){
		"dot":     func() { DotInt16(make([]int16, 3), make([]int16, 4), 0) },
		"shift":   func() { DotInt16(make([]int16, 3), make([]int16, 3), 32) },
		"train":   func() { TrainInt16(make([]int16, 5), make([]int16, 4), 1) },
		"dot32":   func() { DotInt32(make([]int32, 3), make([]int32, 4)) },
		"train32": func() { TrainInt32(make([]int32, 4), make([]int32, 5), 1, 16, 1) },
		"shift32": func() { TrainInt32(make([]int32, 4), make([]int32, 4), 1, 64, 1) },
		"limit32": func() { TrainInt32(make([]int32, 4), make([]int32, 4), 1, 16, -1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// FuzzMixer cross-checks both kernels on every level with inputs, weights,
// shift and error from the fuzzer's bytes.
func FuzzMixer(f *testing.F) {
	f.Add(uint8(8), uint8(0), int16(1), []byte{0, 128, 255, 127})
	f.Add(uint8(65), uint8(8), int16(-32768), []byte{0x00, 0x80})
	f.Add(uint8(33), uint8(31), int16(32767), []byte{0xff, 0x7f, 0x01})
	f.Fuzz(func(t *testing.T, n, shift uint8, err int16, data []byte) {
		rng := rand.New(rand.NewPCG(uint64(len(data)), 3))
		x := make([]int16, int(n))
		w := make([]int16, int(n))
		for i := range x {
			x[i] = int16(pick(data, rng)) | int16(pick(data, rng))<<8
			w[i] = int16(pick(data, rng)) | int16(pick(data, rng))<<8
		}
		mixCase(t, x, w, uint(shift)%32, err)
		x32 := make([]int32, int(n))
		w32 := make([]int32, int(n))
		for i := range x32 {
			x32[i] = int32(x[i]) << (shift % 17)
			w32[i] = int32(w[i])<<16 | int32(uint16(x[i]))
		}
		mix32Case(t, x32, w32, int32(err)<<(shift%17), uint(shift)%64, int32(shift&127)<<24|int32(n))
	})
}

// TestInt32MatchesCmix spells out the mixer arithmetic of vae/cmix
// (predict and update of its first-layer mixers: 25 int32 inputs, stretch
// values and a bias of 256, int32 weights within 2^22, errors of
// (bit<<16 - p)*rate) and checks that DotInt32 and TrainInt32 compute it on
// every level, so that package can call them without changing a bit.
func TestInt32MatchesCmix(t *testing.T) {
	const nIn, weightMax = 25, 1 << 22
	rng := rand.New(rand.NewPCG(27, 28))
	for range 3000 {
		st := make([]int32, nIn)
		fillInt32(rng, st[:nIn-1], fillZero, 2047)
		st[nIn-1] = 256
		w := make([]int32, nIn)
		fillInt32(rng, w, fillZero, weightMax)
		var d int64
		for j := range nIn {
			d += int64(w[j]) * int64(st[j])
		}
		rate := int64(1 + rng.IntN(64))
		e := (int64(rng.IntN(2))<<16 - int64(1+rng.IntN(1<<16-1))) * rate
		want := append([]int32(nil), w...)
		for j := range nIn {
			want[j] = int32(min(max(int64(want[j])+(int64(st[j])*e)>>16, -weightMax), weightMax))
		}
		for _, l := range Levels() {
			if got := dotInt32(l, st, w); got != d {
				t.Fatalf("level %v: dot %d, cmix %d", l, got, d)
			}
			got := append([]int32(nil), w...)
			trainInt32(l, st, got, int32(e), 16, weightMax)
			for j := range got {
				if got[j] != want[j] {
					t.Fatalf("level %v: weight %d trained to %d, cmix %d", l, j, got[j], want[j])
				}
			}
		}
	}
}
