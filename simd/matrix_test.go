package simd

import (
	"math/rand/v2"
	"testing"
)

func TestPack(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, s := range [][2]int{{0, 0}, {0, 5}, {5, 0}, {1, 1}, {17, 5}, {100, 784}} {
		n, k := s[0], s[1]
		wv := make([]int8, n*k)
		fillW(rng, wv, fillMixed)
		m := Pack(wv, n, k)
		if m.N() != n || m.K() != k || len(m.RowSums()) != n {
			t.Fatalf("%v: N %d K %d RowSums %d", s, m.N(), m.K(), len(m.RowSums()))
		}
		for i := range n {
			var sum int32
			for j := range k {
				if m.At(i, j) != wv[i*k+j] {
					t.Fatalf("%v: At(%d, %d) = %d, want %d", s, i, j, m.At(i, j), wv[i*k+j])
				}
				sum += int32(wv[i*k+j])
			}
			if m.RowSums()[i] != sum {
				t.Fatalf("%v: RowSums()[%d] = %d, want %d", s, i, m.RowSums()[i], sum)
			}
		}
		if n*k > 0 { // Pack copies
			old := wv[0]
			wv[0] = ^old
			if m.At(0, 0) != old {
				t.Fatal("Pack aliases its input")
			}
		}
	}
}

func TestPanics(t *testing.T) {
	w := Pack(make([]int8, 6), 2, 3)
	q, _ := NewRequant([]int32{1, 1}, []uint8{0, 0}, 0, 255)
	wide, _ := NewRequant([]int32{1, 1}, []uint8{0, 0}, -1, 255)
	for name, f := range map[string]func(){
		"Pack length":       func() { Pack(make([]int8, 5), 2, 3) },
		"Pack negative":     func() { Pack(nil, -1, 0) },
		"MatMul short in":   func() { MatMul(make([]int32, 4), make([]uint8, 5), 2, w, nil) },
		"MatMul short out":  func() { MatMul(make([]int32, 3), make([]uint8, 6), 2, w, nil) },
		"MatMul bias":       func() { MatMul(make([]int32, 4), make([]uint8, 6), 2, w, []int32{1}) },
		"MatMul batch":      func() { MatMul(nil, nil, -1, w, nil) },
		"Dense nil requant": func() { Dense(make([]uint8, 4), make([]uint8, 6), 2, w, nil, nil) },
		"Dense wide range":  func() { Dense(make([]uint8, 4), make([]uint8, 6), 2, w, nil, wide) },
		"Dense rows":        func() { Dense(make([]uint8, 3), make([]uint8, 3), 1, Pack(make([]int8, 3), 3, 1), nil, q) },
		"Requantize short":  func() { Requantize(make([]uint8, 3), make([]int32, 4), 2, q) },
		"RequantizeInt32":   func() { RequantizeInt32(make([]int32, 4), make([]int32, 3), 2, q) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}
