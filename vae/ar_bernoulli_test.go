package vae

import (
	"bytes"
	"math"

	"github.com/bbans/bbans/vae/dataset"

	"testing"

	"github.com/bbans/bbans/ans"
)

// TestARContext checks the fast interior path of arContext against the
// definition by offsets.
func TestARContext(t *testing.T) {
	const w = 9
	g := dataset.SplitMix64{State: 3}
	rec := make([]byte, w*w)
	for i := range rec {
		rec[i] = byte(g.Next() & 1)
	}
	for y := range w {
		for x := range w {
			want := 0
			for k, o := range arOffsets {
				if xx, yy := x+o[0], y+o[1]; xx >= 0 && xx < w && yy >= 0 {
					want |= int(rec[yy*w+xx]) << k
				}
			}
			if got := arContext(rec, w, x, y); got != want {
				t.Fatalf("(%d,%d): context %b, want %b", x, y, got, want)
			}
		}
	}
	for _, c := range []struct{ r, w int }{{784, 28}, {16, 4}, {1, 1}, {12, 12}, {65536, 256}} {
		if got := dataset.LegacyShape(c.r); got.W != c.w || got.Size() != c.r {
			t.Errorf("LegacyShape(%d) = %v, want width %d", c.r, got, c.w)
		}
	}
}

// TestARCostIsExact checks that the negative ELBO of NegELBO is what the
// coder spends: coding test images onto a message full of random bits
// grows it by the summed cost to within a bit per record.
func TestARCostIsExact(t *testing.T) {
	for _, c := range []struct {
		lik Likelihood
		K   int
	}{{BernoulliAR, 1}, {LogisticAR, 2}} {
		m := testModel(t, c.lik, c.K)
		t.Run(m.Arch.String(), func(t *testing.T) { checkARCost(t, m) })
	}
}

func checkARCost(t *testing.T, m *Model) {
	d := testImages(t, m, 30)
	coder := m.NewCoder(1)
	msg := seededMessage(20000)
	lat := [][]int32{make([]int32, m.LatentSize())}
	w := newWorker(m, 1)
	var coded []float64
	for i := range d.Len() {
		rec := d.Record(i)
		b0 := msg.Bits()
		ans.Encode(msg, coder, [][]byte{rec}, lat)
		got := msg.Bits() - b0
		want := latentBits(m, w, rec, lat[0]) + likBits(w, rec)
		if math.Abs(got-want) > 1 {
			t.Errorf("record %d: coded %.2f bits, exact cost %.2f", i, got, want)
		}
		coded = append(coded, got)
	}
	// And decoding restores every record.
	for i := d.Len() - 1; i >= 0; i-- {
		out := [][]byte{make([]byte, m.RecordSize())}
		ans.Decode(msg, coder, lat, out)
		if !bytes.Equal(out[0], d.Record(i)) {
			t.Fatalf("record %d decoded differently", i)
		}
	}
	// NegELBO of the same records is close to the coded mean (a different
	// draw of latents, so only roughly).
	c, err := m.NegELBO(d, 1)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, v := range coded {
		sum += v
	}
	t.Logf("coded %.4f bits/dim, NegELBO %v", sum/float64(c.Bytes), c)
	if r := sum / float64(c.Bytes) / c.BitsPerByte(); m.Arch.Likelihood.Binary() && (r < 0.9 || r > 1.1) {
		t.Errorf("coded %.4f bits/dim, NegELBO %v", sum/float64(c.Bytes), c)
	}
}

// TestARProbsFastPath checks the row-mask contexts of arProbs and popAR
// against arContext on images of many shapes, with a table whose entry is
// the context itself.
func TestARProbsFastPath(t *testing.T) {
	tab := make([]uint16, arTableLen)
	for c := range arContexts {
		for j := range arIdxLen {
			tab[c*arIdxLen+j] = uint16(c + 1)
		}
	}
	g := dataset.SplitMix64{State: 11}
	for _, R := range []int{1, 2, 3, 4, 9, 16, 25, 50, 59, 60, 61, 784, 3600, 3721, 4096} {
		idx, probs := make([]uint16, R), make([]uint16, R)
		rec := make([]byte, R)
		for i := range rec {
			rec[i] = byte(g.Next() >> 63)
		}
		W := dataset.LegacyShape(R).W
		check := func(how string) {
			for i := range R {
				if want := uint16(arContext(rec, W, i%W, i/W) + 1); probs[i] != want {
					t.Fatalf("R=%d %s: byte %d context %d, want %d", R, how, i, probs[i]-1, want-1)
				}
			}
		}
		arProbs(probs, tab, idx, rec, W)
		check("arProbs")
		// popAR on a message that arProbs' probabilities pushed.
		msg := ans.NewMessage(1)
		ans.PushBernoulli(msg, 0, rec, probs, BernoulliPrec)
		out := make([]byte, R)
		clear(probs)
		popAR(msg, 0, probs, tab, idx, out, W)
		if !bytes.Equal(out, rec) {
			t.Fatalf("R=%d: popAR decoded differently", R)
		}
		check("popAR")
	}
}

// TestAR8NeighFast checks the interior shortcut against ar8Neigh.
func TestAR8NeighFast(t *testing.T) {
	const w = 11
	g := dataset.SplitMix64{State: 5}
	rec := make([]byte, w*w)
	for i := range rec {
		rec[i] = []byte{0, 3, 8, 100, 191, 192, 255}[g.Next()%7]
	}
	for y := 2; y < w; y++ {
		for x := 2; x+1 < w; x++ {
			var a, b [ar8Res]int
			c1, g1 := ar8Neigh(rec, w, x, y, &a)
			c2, g2 := ar8NeighFast(rec, w, y*w+x, &b)
			if c1 != c2 || g1 != g2 || a != b {
				t.Fatalf("(%d,%d): %d %d %v, fast %d %d %v", x, y, c1, g1, a, c2, g2, b)
			}
		}
	}
}
