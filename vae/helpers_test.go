package vae

import (
	"math"
	"math/bits"
	"testing"

	"github.com/bbans/bbans/ans"
	"github.com/bbans/bbans/vae/dataset"
)

// mnistOrSkip loads an MNIST split, skipping the test if the GoMNIST
// module is not available.
func mnistOrSkip(t testing.TB, split string) *dataset.Dataset {
	t.Helper()
	d, err := dataset.LoadMNIST(split)
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	return d
}

// testModel returns a model of likelihood lik with K components for MNIST
// records: the built-in model of that kind, or for a kind without one a
// small model with random weights (smallModel's, at 784 bytes).
func testModel(t testing.TB, lik Likelihood, K int) *Model {
	t.Helper()
	kinds := map[[2]int]string{{int(Bernoulli), 1}: "mnist-bin", {int(Logistic), 2}: "mnist",
		{int(BernoulliAR), 1}: "mnist-bin-ar", {int(LogisticAR), 2}: "mnist-ar", {int(ContextMix), 1}: "mnist-cm"}
	if name, ok := kinds[[2]int{int(lik), K}]; ok {
		m, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	return randomModel(t, Arch{RecordSize: 784, Likelihood: lik, Components: K, EncHidden: []int{32}, Latent: 8, DecHidden: []int{32}}, 5)
}

// randomModel returns a model of architecture a with random int8 weights
// (seeded), biases and requantisation that keep activations in range, and
// the likelihood tables its family's float path makes from its starting
// tables: a valid model file, quick to build, that codes (badly).
func randomModel(t testing.TB, a Arch, seed uint64) *Model {
	t.Helper()
	tr := a.Likelihood.Trainable()
	lik, prec, err := tr.Quantize(&a, tr.NewFloat(&a), 20)
	if err != nil {
		t.Fatal(err)
	}
	g := dataset.SplitMix64{State: seed}
	layer := func(n, k int, hidden bool) Layer {
		l := Layer{N: n, K: k, W: make([]int8, n*k), Bias: make([]int32, n), Mult: make([]int32, n), Shift: make([]uint8, n),
			Lo: math.MinInt32, Hi: math.MaxInt32}
		if hidden {
			l.Lo, l.Hi = 0, 255
		}
		for i := range l.W {
			l.W[i] = int8(g.Next())
		}
		for i := range n {
			l.Bias[i] = int32(g.Next()%2001) - 1000
			// Scale an accumulator of k products (|x·w| < 2^15) to a byte.
			l.Mult[i], l.Shift[i] = 1<<30, uint8(min(62, 30+bits.Len(uint(k))+7))
		}
		return l
	}
	m := &Model{Arch: a, BucketBits: 8, PosteriorPrec: 20, LikPrec: prec, Lik: lik, Description: "random"}
	es, ds := a.EncoderSizes(), a.DecoderSizes()
	for i := 1; i < len(es); i++ {
		m.Enc = append(m.Enc, layer(es[i], es[i-1], i < len(es)-1))
	}
	for i := 1; i < len(ds); i++ {
		m.Dec = append(m.Dec, layer(ds[i], ds[i-1], i < len(ds)-1))
	}
	for i := range 257 {
		m.SigmaTable = append(m.SigmaTable, int32(1<<10+i*256))
	}
	m, err = Assemble(m)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// testImages returns the first n MNIST test images, binarized by
// threshold for a Bernoulli model.
func testImages(t testing.TB, m *Model, n int) *dataset.Dataset {
	t.Helper()
	d := mnistOrSkip(t, "test").Slice(0, n)
	if m.Arch.Likelihood.Binary() {
		d, _ = dataset.Binarize(d, dataset.Threshold)
	}
	return d
}

// seededMessage returns a one-lane message holding n random 16-bit
// symbols, so that the bits a coder gets back are real ones.
func seededMessage(n int) *ans.Message {
	msg := ans.NewMessage(1)
	g := dataset.SplitMix64{State: 9}
	for range n {
		msg.Push(0, uint32(g.Next()>>48), 1, 16)
	}
	return msg
}

// latentBits returns the net cost in bits of latent lat for rec, -log2
// p(y) + log2 q(y|s) from the integer model's frequencies, and leaves w's
// slot 0 decoded at lat, ready for the likelihood's cost.
func latentBits(m *Model, w *worker, rec []byte, lat []int32) float64 {
	w.setRecord(0, rec)
	w.encode(1)
	bits := float64(m.BucketBits) * float64(m.LatentSize())
	for j, b := range lat {
		_, f := m.buckets.Interval(b, w.mu[j], w.sigma[j])
		bits += math.Log2(float64(f)) - float64(m.PosteriorPrec)
	}
	w.setLatent(0, lat)
	w.decode(1)
	return bits
}

// likBits returns -log2 p(rec|y) from the likelihood's frequencies for
// w's slot 0 (decoded by latentBits).
func likBits(w *worker, rec []byte) float64 {
	var bits float64
	w.lik.Cost(0, rec, func(f uint32, prec uint) { bits += float64(prec) - math.Log2(float64(f)) })
	return bits
}
