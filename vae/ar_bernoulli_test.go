package vae

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/bbans/bbans/ans"
)

// TestARGradients compares the analytic gradients of a BernoulliAR
// model's negative ELBO (decoder and context tables) with central finite
// differences.
func TestARGradients(t *testing.T) {
	noLatentRounding = true
	defer func() { noLatentRounding = false }()
	a := Arch{RecordSize: 25, Likelihood: BernoulliAR, Components: 1, EncHidden: []int{7}, Latent: 3, DecHidden: []int{6}}
	m, err := NewFloatModel(a, 3)
	if err != nil {
		t.Fatal(err)
	}
	g := rand.New(rand.NewPCG(1, 2))
	for i := range m.AR.A {
		m.AR.A[i] = float32(0.5 + g.Float64())
		m.AR.B[i] = float32(g.NormFloat64())
	}
	recs := make([][]byte, 6)
	for i := range recs {
		recs[i] = make([]byte, a.RecordSize)
		for j := range recs[i] {
			recs[i][j] = byte(g.IntN(2))
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
	all = append(all, pg{m.AR.A, p.gAR[0]}, pg{m.AR.B, p.gAR[1]})
	bad, checked := 0, 0
	for _, w := range all {
		for j := 0; j < len(w.v); j += 1 + len(w.v)/17 {
			if w.g[j] == 0 && len(w.v) == arContexts {
				continue // a context the records never show
			}
			old := w.v[j]
			const h = 2e-3
			w.v[j] = old + h
			up := loss()
			w.v[j] = old - h
			dn := loss()
			w.v[j] = old
			num := (up - dn) / (2 * h)
			checked++
			if d := math.Abs(num - float64(w.g[j])); d > 2e-2*max(1, math.Abs(num)) {
				bad++
				t.Logf("param %d: analytic %g, numeric %g", j, w.g[j], num)
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
		if got := imageWidth(c.r); got != c.w {
			t.Errorf("imageWidth(%d) = %d, want %d", c.r, got, c.w)
		}
	}
}

// TestARCostIsExact checks that the negative ELBO of NegELBO is what the
// coder spends: coding test images onto a message full of random bits
// grows it by the summed cost to within a bit per record.
func TestARCostIsExact(t *testing.T) {
	_, m := tinyModel(t, BernoulliAR, 1)
	d := testImages(t, m, 40)
	coder := m.NewCoder(1)
	msg := ans.NewMessage(1)
	g := SplitMix64{State: 9}
	for range 2000 {
		msg.Push(0, uint32(g.Next()>>48), 1, 16)
	}
	lat := [][]int32{make([]int32, m.LatentSize())}
	w := newWorker(m, 1)
	var coded []float64
	for i := range d.Len() {
		rec := d.Record(i)
		b0 := msg.Bits()
		ans.Encode(msg, coder, [][]byte{rec}, lat)
		got := msg.Bits() - b0
		w.setRecord(0, rec)
		w.encode(1)
		want := float64(m.BucketBits) * float64(m.LatentSize())
		for j, b := range lat[0] {
			_, f := m.buckets.Interval(b, w.mu[j], w.sigma[j])
			want += math.Log2(float64(f)) - float64(m.PosteriorPrec)
		}
		w.setLatent(0, lat[0])
		w.decode(1)
		w.arProbs(0, rec)
		for k, v := range rec {
			p := float64(w.probs[k])
			if v == 0 {
				p = 1<<BernoulliPrec - p
			}
			want += BernoulliPrec - math.Log2(p)
		}
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
	if r := sum / float64(c.Bytes) / c.BitsPerByte(); r < 0.9 || r > 1.1 {
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
	ar := f0.withAR()
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
