package vae

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/bbans/bbans/ans"
)

// TestARGradients compares the analytic gradients of the negative ELBO of
// the autoregressive likelihoods (nets and context tables) with central
// finite differences.
func TestARGradients(t *testing.T) {
	for _, a := range []Arch{
		{RecordSize: 25, Likelihood: BernoulliAR, Components: 1, EncHidden: []int{7}, Latent: 3, DecHidden: []int{6}},
		{RecordSize: 25, Likelihood: LogisticAR, Components: 1, EncHidden: []int{7}, Latent: 3, DecHidden: []int{6}},
		{RecordSize: 25, Likelihood: LogisticAR, Components: 2, EncHidden: []int{7}, Latent: 3, DecHidden: []int{6}},
	} {
		t.Run(a.String(), func(t *testing.T) { checkARGradients(t, a) })
	}
}

func checkARGradients(t *testing.T, a Arch) {
	noLatentRounding = true
	defer func() { noLatentRounding = false }()
	m, err := NewFloatModel(a, 3)
	if err != nil {
		t.Fatal(err)
	}
	g := rand.New(rand.NewPCG(1, 2))
	switch len(m.Lik) {
	case 2: // BernoulliAR: A, B
		for i := range m.Lik[0] {
			m.Lik[0][i] = float32(0.5 + g.Float64())
			m.Lik[1][i] = float32(g.NormFloat64())
		}
	case 4: // LogisticAR: R, G, D, S
		for i := range m.Lik[0] {
			m.Lik[0][i] = float32(0.02 * g.NormFloat64())
		}
		for i := range m.Lik[1] {
			m.Lik[1][i] = float32(0.3 * g.NormFloat64())
		}
		for i := range m.Lik[2] {
			m.Lik[2][i] = float32(0.3 * g.NormFloat64())
			m.Lik[3][i] = float32(0.1 * g.NormFloat64())
		}
	}
	recs := make([][]byte, 6)
	for i := range recs {
		recs[i] = make([]byte, a.RecordSize)
		for j := range recs[i] {
			if a.Likelihood.Binary() {
				recs[i][j] = byte(g.IntN(2))
			} else {
				recs[i][j] = []byte{0, 255, 3, 128, 200, 254, 1}[g.IntN(7)]
			}
		}
	}
	p := newPass(m, len(recs))
	loss := func() float64 { return p.forward(recs, rand.New(rand.NewPCG(5, 6)), false) }
	p.forward(recs, rand.New(rand.NewPCG(5, 6)), true)
	type pg struct{ v, g []float32 }
	var all []pg
	for li, l := range m.layers() {
		all = append(all, pg{l.W, p.gW[li]}, pg{l.B, p.gB[li]})
	}
	for i, v := range m.Lik {
		all = append(all, pg{v, p.gLik[i]})
	}
	bad, checked := 0, 0
	for pi, w := range all {
		step := 1 + len(w.v)/17
		if pi >= 2*len(m.layers()) {
			step = 1 // every context-table entry
		}
		for j := 0; j < len(w.v); j += step {
			if w.g[j] == 0 && pi >= 2*len(m.layers()) {
				continue // a context the records never show
			}
			old := w.v[j]
			h := float32(2e-3)
			if pi >= 2*len(m.layers()) {
				h = 1e-4 // the tables act on whole bytes: keep the step linear
			}
			w.v[j] = old + h
			up := loss()
			w.v[j] = old - h
			dn := loss()
			w.v[j] = old
			num := (up - dn) / (2 * float64(h))
			checked++
			if d := math.Abs(num - float64(w.g[j])); d > 2e-2*max(1, math.Abs(num)) {
				bad++
				t.Logf("param set %d entry %d: analytic %g, numeric %g", pi, j, w.g[j], num)
			}
		}
	}
	if bad > 2 || checked < 20 {
		t.Errorf("%d gradient mismatches of %d", bad, checked)
	}
}

// TestARContext checks the fast interior path of arContext against the
// definition by offsets.
func TestARContext(t *testing.T) {
	const w = 9
	g := SplitMix64{State: 3}
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
		if got := LegacyShape(c.r); got.W != c.w || got.Size() != c.r {
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
		_, m := tinyModel(t, c.lik, c.K)
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

// TestARTrainReducesNegELBO starts a BernoulliAR model from a trained
// Bernoulli one (identity context tables: the same negative ELBO), trains
// a few steps and checks that the held-out negative ELBO falls below the
// Bernoulli model's.
func TestARTrainReducesNegELBO(t *testing.T) {
	f0, _ := tinyModel(t, Bernoulli, 1)
	all := mnistOrSkip(t, "train")
	held, _ := Binarize(all.Slice(59000, 59300), Threshold)
	ar := withLikelihood(t, f0, BernoulliAR)
	b0, a0 := f0.NegELBO(held, 1), ar.NegELBO(held, 1)
	if math.Abs(b0-a0) > 1e-6 {
		t.Fatalf("identity context tables change the negative ELBO: %.6f -> %.6f", b0, a0)
	}
	a := ar.Arch
	cfg := TrainConfig{Arch: a, Epochs: 2, BatchSize: 50, LR: 3e-3, Seed: 5, Binarization: Threshold, Init: f0}
	f, err := Train(cfg, all.Slice(0, 500), nil)
	if err != nil {
		t.Fatal(err)
	}
	after := f.NegELBO(held, 1)
	t.Logf("held-out negative ELBO %.4f (bernoulli) -> %.4f (bernoulli-ar)", b0, after)
	if !(after < b0-0.02) {
		t.Errorf("negative ELBO did not fall: %.4f -> %.4f", b0, after)
	}
}

// TestAR8TrainReducesNegELBO is TestARTrainReducesNegELBO for LogisticAR
// from a trained Logistic model.
func TestAR8TrainReducesNegELBO(t *testing.T) {
	f0, _ := tinyModel(t, Logistic, 2)
	all := mnistOrSkip(t, "train")
	held := all.Slice(59000, 59200)
	ar := withLikelihood(t, f0, LogisticAR)
	b0, a0 := f0.NegELBO(held, 1), ar.NegELBO(held, 1)
	if math.Abs(b0-a0) > 1e-6 {
		t.Fatalf("zero context tables change the negative ELBO: %.6f -> %.6f", b0, a0)
	}
	cfg := TrainConfig{Arch: ar.Arch, Epochs: 1, BatchSize: 50, LR: 3e-3, Seed: 5, Init: f0}
	f, err := Train(cfg, all.Slice(0, 500), nil)
	if err != nil {
		t.Fatal(err)
	}
	after := f.NegELBO(held, 1)
	t.Logf("held-out negative ELBO %.4f (logistic) -> %.4f (logistic-ar)", b0, after)
	if !(after < b0-0.05) {
		t.Errorf("negative ELBO did not fall: %.4f -> %.4f", b0, after)
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
	g := SplitMix64{State: 11}
	for _, R := range []int{1, 2, 3, 4, 9, 16, 25, 50, 59, 60, 61, 784, 3600, 3721, 4096} {
		idx, probs := make([]uint16, R), make([]uint16, R)
		rec := make([]byte, R)
		for i := range rec {
			rec[i] = byte(g.Next() >> 63)
		}
		W := LegacyShape(R).W
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
	g := SplitMix64{State: 5}
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

// withLikelihood returns f with likelihood lik, whose base f's is: f's
// nets and lik's tables at their start, as Train makes it from Init.
func withLikelihood(t *testing.T, f *FloatModel, lik Likelihood) *FloatModel {
	t.Helper()
	tr := lik.trainable()
	if tr == nil || tr.Base() != f.Arch.Likelihood {
		t.Fatalf("%v does not start from %v", lik, f.Arch.Likelihood)
	}
	c := f.Clone()
	c.Arch.Likelihood = lik
	c.Lik = tr.NewFloat(&c.Arch)
	return c
}
