package vae

import (
	"fmt"
	"math"

	"github.com/bbans/bbans/vae/dataset"

	"github.com/bbans/bbans/ans"
)

// Cost is the negative ELBO of a dataset under the integer model, from
// its exact coding probabilities: the bits an ideal coder would spend.
type Cost struct {
	Records int
	Bytes   int     // Records * RecordSize
	Lik     float64 // sum of -log2 p(s|y) over records (bits)
	Latent  float64 // sum of -log2 p(y) + log2 q(y|s) (bits): the net cost of the latents
}

// BitsPerByte returns the negative ELBO in bits per byte (bits/dim).
func (c Cost) BitsPerByte() float64 { return (c.Lik + c.Latent) / float64(c.Bytes) }

func (c Cost) String() string {
	return fmt.Sprintf("%.4f bits/dim (likelihood %.4f, latent %.4f) over %d records",
		c.BitsPerByte(), c.Lik/float64(c.Bytes), c.Latent/float64(c.Bytes), c.Records)
}

// evalBatch is the batch size of NegELBO.
const evalBatch = 64

// NegELBO computes the integer model's negative ELBO on every record of d,
// including the discretisation of the latents: for each record it draws
// the latent buckets from q(y|s) with the coder's own frequencies (the
// draws come from SplitMix64 seeded with seed, standing in for the bits of
// a message) and adds -log2 p(s|y) - log2 p(y) + log2 q(y|s) from the
// frequencies handed to the coder.
func (m *Model) NegELBO(d *dataset.Dataset, seed uint64) (Cost, error) {
	if d.RecordSize != m.Arch.RecordSize {
		return Cost{}, fmt.Errorf("vae: %d-byte records for a model of %d", d.RecordSize, m.Arch.RecordSize)
	}
	if err := d.CheckShape(m.Arch.RecordShape()); err != nil {
		return Cost{}, err
	}
	for i := range d.Len() {
		if !m.Codable(d.Record(i)) {
			return Cost{}, fmt.Errorf("vae: record %d cannot be coded by a %v model", i, m.Arch.Likelihood)
		}
	}
	c := Cost{Records: d.Len(), Bytes: len(d.Data)}
	pp := float64(m.PosteriorPrec)
	k := float64(m.BucketBits)
	m.trace(d, seed, func(kind traceKind, freq uint32, prec uint) {
		switch kind {
		case tracePosterior:
			c.Latent += k + math.Log2(float64(freq)) - pp
		case traceLikelihood:
			c.Lik += float64(prec) - math.Log2(float64(freq))
		}
	})
	return c, nil
}

type traceKind int

const (
	traceMean traceKind = iota
	traceSigma
	tracePosterior  // frequency of the drawn bucket
	traceBucket     // the drawn bucket
	traceLikelihood // frequency of a byte
)

// trace computes, for every record of d, everything that decides the
// coder's probabilities, and hands each value to f in a fixed order:
// posterior means and sigmas, the drawn buckets and their frequencies,
// and the frequency of every symbol of the record (with its precision;
// prec is 0 for the other kinds). An adaptive likelihood sees d as one
// chunk decoded in record order.
func (m *Model) trace(d *dataset.Dataset, seed uint64, f func(kind traceKind, v uint32, prec uint)) {
	w := newWorker(m, evalBatch)
	if cs, ok := w.lik.(ChunkStarter); ok {
		cs.ChunkStart(nil)
	}
	lik := func(freq uint32, prec uint) { f(traceLikelihood, freq, prec) }
	g := m.buckets
	rng := dataset.SplitMix64{State: seed}
	dl := m.Arch.Latent
	lat := make([]int32, evalBatch*dl)
	for lo := 0; lo < d.Len(); lo += evalBatch {
		n := min(evalBatch, d.Len()-lo)
		for r := range n {
			w.setRecord(r, d.Record(lo+r))
		}
		w.encode(n)
		for r := range n {
			for j := range dl {
				mu, sg := w.mu[r*dl+j], w.sigma[r*dl+j]
				f(traceMean, uint32(mu), 0)
				f(traceSigma, uint32(sg), 0)
				a, freq := drawBucket(g, mu, sg, uint32(rng.Next()>>(64-m.PosteriorPrec)))
				lat[r*dl+j] = a
				f(traceBucket, uint32(a), 0)
				f(tracePosterior, freq, 0)
			}
		}
		for r := range n {
			w.setLatent(r, lat[r*dl:(r+1)*dl])
		}
		w.decode(n)
		for r := range n {
			w.lik.Cost(r, d.Record(lo+r), lik)
		}
	}
}

// drawBucket returns the bucket whose posterior interval for (mu, sg)
// holds the slot u (a draw at the posterior's precision), by binary
// search, and its frequency: sampling from q(y|s) as popping would.
func drawBucket(g *ans.GaussianBuckets, mu, sg int32, u uint32) (bucket int32, freq uint32) {
	a, b := 0, g.Buckets()
	for b-a > 1 {
		mid := (a + b) >> 1
		if s, _ := g.Interval(int32(mid), mu, sg); s <= u {
			a = mid
		} else {
			b = mid
		}
	}
	_, freq = g.Interval(int32(a), mu, sg)
	return int32(a), freq
}
