package simd

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// requantBig is the definition in arbitrary precision, to check requantOne.
func requantBig(a, mult int32, shift uint8, lo, hi int32) int32 {
	v := new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(int64(mult)))
	if shift > 0 {
		v.Add(v, new(big.Int).Lsh(big.NewInt(1), uint(shift-1)))
	}
	v.Rsh(v, uint(shift)) // big.Int Rsh is floor for negatives
	if v.Cmp(big.NewInt(int64(lo))) < 0 {
		return lo
	}
	if v.Cmp(big.NewInt(int64(hi))) > 0 {
		return hi
	}
	return int32(v.Int64())
}

var extremeInt32 = []int32{math.MinInt32, math.MinInt32 + 1, -1 << 24, -65536, -129, -128, -2, -1, 0, 1, 2, 127, 128, 255, 256, 1 << 24, math.MaxInt32 - 1, math.MaxInt32}

func randRequant(rng *rand.Rand, n int, lo, hi int32) (*Requant, []int32, []uint8) {
	mult, shift := make([]int32, n), make([]uint8, n)
	for i := range mult {
		mult[i] = int32(rng.Uint32())
		if rng.IntN(4) == 0 {
			mult[i] = extremeInt32[rng.IntN(len(extremeInt32))]
		}
		shift[i] = uint8(rng.IntN(MaxShift + 1))
	}
	q, err := NewRequant(mult, shift, lo, hi)
	if err != nil {
		panic(err)
	}
	return q, mult, shift
}

func randAcc(rng *rand.Rand, x []int32) {
	for i := range x {
		switch rng.IntN(3) {
		case 0:
			x[i] = int32(rng.Uint32())
		case 1:
			x[i] = extremeInt32[rng.IntN(len(extremeInt32))]
		default:
			x[i] = int32(rng.IntN(1<<16)) - 1<<15
		}
	}
}

func TestRequantDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		a := int32(rng.Uint32())
		if rng.IntN(2) == 0 {
			a = extremeInt32[rng.IntN(len(extremeInt32))]
		}
		m := int32(rng.Uint32())
		if rng.IntN(2) == 0 {
			m = extremeInt32[rng.IntN(len(extremeInt32))]
		}
		s := uint8(rng.IntN(MaxShift + 1))
		lo, hi := int32(math.MinInt32), int32(math.MaxInt32)
		if rng.IntN(2) == 0 {
			lo, hi = 0, 255
		}
		var r int64
		if s > 0 {
			r = 1 << (s - 1)
		}
		if got, want := requantOne(a, int64(m), r, uint64(s), lo, hi), requantBig(a, m, s, lo, hi); got != want {
			t.Fatalf("requant(%d * %d >> %d) = %d, want %d", a, m, s, got, want)
		}
	}
	// Round half up: 3/2 -> 2, -3/2 -> -1, 5/4 -> 1, -5/4 -> -1.
	for _, c := range []struct {
		a, m int32
		s    uint8
		want int32
	}{{3, 1, 1, 2}, {-3, 1, 1, -1}, {5, 1, 2, 1}, {-5, 1, 2, -1}, {7, 1, 0, 7}, {-7, 3, 0, -21}} {
		if got := requantBig(c.a, c.m, c.s, math.MinInt32, math.MaxInt32); got != c.want {
			t.Errorf("%d*%d>>%d = %d, want %d", c.a, c.m, c.s, got, c.want)
		}
	}
}

func TestRequantizeCrossCheck(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	ranges := [][2]int32{{0, 255}, {math.MinInt32, math.MaxInt32}, {0, 0}, {255, 255}, {-1000, 1000}, {10, 20}, {0, 127}}
	for _, n := range append(seq(0, 40), 63, 64, 65, 100, 784) {
		for _, batch := range []int{0, 1, 2, 3, 7, 9} {
			rg := ranges[(n+batch)%len(ranges)]
			q, _, _ := randRequant(rng, n, rg[0], rg[1])
			acc := edgeInt32(t, batch*n)
			randAcc(rng, acc)
			name := fmt.Sprintf("n=%d batch=%d range=%v", n, batch, rg)
			checkLevels(t, name+" int32", batch*n, func(l Level, res []int32) {
				out, check := guarded(t, batch*n)
				requantizeInt32(l, out, acc, batch, q)
				check()
				copy(res, out)
			})
			// In place, as DenseInt32 does it.
			checkLevels(t, name+" int32 in place", batch*n, func(l Level, res []int32) {
				copy(res, acc)
				requantizeInt32(l, res, res, batch, q)
			})
			if rg[0] < 0 || rg[1] > 255 {
				continue // not a uint8 range
			}
			checkLevels(t, name+" uint8", batch*n, func(l Level, res []uint8) {
				buf := make([]uint8, batch*n+2*guard)
				for i := range buf {
					buf[i] = 0xa5
				}
				requantize(l, buf[guard:guard+batch*n], acc, batch, q)
				for i := range guard {
					if buf[i] != 0xa5 || buf[guard+batch*n+i] != 0xa5 {
						t.Fatalf("%s: level %v wrote outside the output", name, l)
					}
				}
				copy(res, buf[guard:])
			})
		}
	}
}

// TestDense checks the composition on every level against the references.
func TestDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, s := range [][3]int{{1, 100, 784}, {32, 80, 100}, {9, 17, 41}, {33, 784, 100}, {0, 5, 5}, {3, 5, 0}} {
		batch, n, k := s[0], s[1], s[2]
		in := make([]uint8, batch*k)
		fillIn(rng, in, fillRandom)
		wv := make([]int8, n*k)
		fillW(rng, wv, fillRandom)
		w := Pack(wv, n, k)
		bias := make([]int32, n)
		randAcc(rng, bias)
		q, _, _ := randRequant(rng, n, 0, 255)
		acc := make([]int32, batch*n)
		matMulGeneric(acc, in, batch, w, bias)
		want8 := make([]uint8, batch*n)
		requantizeGeneric(want8, acc, batch, q)
		want32 := make([]int32, batch*n)
		requantizeInt32Generic(want32, acc, batch, q)
		for _, l := range Levels() {
			restore := ForceLevel(l)
			got8 := make([]uint8, batch*n)
			Dense(got8, in, batch, w, bias, q)
			got32 := make([]int32, batch*n)
			DenseInt32(got32, in, batch, w, bias, q)
			raw := make([]int32, batch*n)
			MatMul(raw, in, batch, w, bias)
			restore()
			for i := range want8 {
				if got8[i] != want8[i] || got32[i] != want32[i] || raw[i] != acc[i] {
					t.Fatalf("%v %v: element %d: Dense %d/%d, DenseInt32 %d/%d, MatMul %d/%d",
						s, l, i, got8[i], want8[i], got32[i], want32[i], raw[i], acc[i])
				}
			}
		}
	}
}

func TestNewRequantErrors(t *testing.T) {
	if _, err := NewRequant([]int32{1}, nil, 0, 1); err == nil {
		t.Error("length mismatch accepted")
	}
	if _, err := NewRequant([]int32{1}, []uint8{MaxShift + 1}, 0, 1); err == nil {
		t.Error("shift > MaxShift accepted")
	}
	if _, err := NewRequant(nil, nil, 2, 1); err == nil {
		t.Error("empty range accepted")
	}
}

func TestQuantizeMultiplier(t *testing.T) {
	for _, s := range []float64{1, 0.5, 1.0 / 3, 1e-3, 1e-9, 2.7e-12, 0.999999999999, 123.456, 1 << 30, 1e-17} {
		m, sh, err := QuantizeMultiplier(s)
		if err != nil {
			t.Fatalf("QuantizeMultiplier(%g): %v", s, err)
		}
		got := float64(m) / math.Exp2(float64(sh))
		if rel := math.Abs(got-s) / s; rel > 1e-9 && !(sh == MaxShift && math.Abs(got-s) <= math.Exp2(-MaxShift)) {
			t.Errorf("QuantizeMultiplier(%g) = %d >> %d = %g, rel error %g", s, m, sh, got, rel)
		}
	}
	for _, s := range []float64{-1, math.NaN(), math.Inf(1), 1 << 31, 1e-30} {
		if _, _, err := QuantizeMultiplier(s); !errors.Is(err, ErrScale) {
			t.Errorf("QuantizeMultiplier(%g) error %v, want ErrScale", s, err)
		}
	}
	if m, s, err := QuantizeMultiplier(0); m != 0 || s != 0 || err != nil {
		t.Errorf("QuantizeMultiplier(0) = %d, %d, %v", m, s, err)
	}
}
