package vae

import (
	"math/rand/v2"
	"testing"
)

// TestFindMatchesScan checks the galloping search of mixBatch.find against
// a linear scan of the CDF, for random mixtures and every kind of slot:
// the byte it returns, and its interval, must be exactly the scan's.
func TestFindMatchesScan(t *testing.T) {
	m, err := Builtin("mnist")
	if err != nil {
		t.Fatal(err)
	}
	lt := m.Lik.(*logisticTables)
	sig, prec := lt.sigmoid, lt.prec
	r := rand.New(rand.NewPCG(3, 4))
	for _, K := range []int{1, 2, 3} {
		b := newMixBatch(K, 1)
		for trial := range 3000 {
			for k := range K {
				b.mean[k] = int32(meanMin + r.IntN(meanMax-meanMin+1))
				if trial%3 == 0 {
					b.mean[k] = int32(r.IntN(2)) * 16 * 255 // the confident pixels of MNIST
				}
				b.inv[k] = lt.invScale[r.IntN(len(lt.invScale))]
				if K > 1 {
					b.pi[k] = int32(r.IntN(1 << 16))
				}
			}
			slot := uint32(r.Uint64N(uint64(1) << prec))
			v, start, freq := b.find(sig, 0, slot, prec)
			want := 0
			for want < 255 && b.cdf(sig, 0, want+1, prec) <= slot {
				want++
			}
			ws, wf := b.interval(sig, 0, byte(want), prec)
			if int(v) != want || start != ws || freq != wf {
				t.Fatalf("K=%d trial %d: find gives %d [%d,+%d), scan %d [%d,+%d)", K, trial, v, start, freq, want, ws, wf)
			}
		}
	}
}
