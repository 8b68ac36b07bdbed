package vae

import "github.com/bbans/bbans/ans"

// Coder is the bits-back coder of a Model for messages of a given number
// of lanes: it implements ans.Model, coding one record and one latent per
// lane, and runs the encoder and decoder nets as one batch over the lanes.
// A nil record (or latent) marks a lane that takes no part in a call. A
// Coder is used by one goroutine at a time; it does not allocate once it
// has seen its largest batch.
//
// Lane order: pops go through the active lanes in increasing order and
// pushes in decreasing order for the posterior; pushes increasing and pops
// decreasing for the likelihood and the prior. Within a lane, the latent's
// dimensions and the record's bytes come off the message in index order.
type Coder struct {
	m    *Model
	w    *worker
	slot []int // batch slot -> lane
}

var _ ans.Model = (*Coder)(nil)

// NewCoder returns a coder with scratch space for lanes lanes (it grows if
// given more).
func (m *Model) NewCoder(lanes int) *Coder {
	lanes = max(lanes, 1)
	return &Coder{m: m, w: newWorker(m, lanes), slot: make([]int, 0, lanes)}
}

// LatentSize returns the number of int32 values in one lane's latent.
func (c *Coder) LatentSize() int { return c.m.Arch.Latent }

// LikCoder returns the likelihood's coder (for tests and tools that
// inspect a family's state).
func (c *Coder) LikCoder() LikCoder { return c.w.lik }

// Model returns the model c codes with.
func (c *Coder) Model() *Model { return c.m }

// grow makes room for n lanes, keeping the likelihood's chunk state.
func (c *Coder) grow(n int) {
	if n > c.w.lanes {
		lik := c.w.lik
		lik.Reserve(n)
		c.w = newWorker(c.m, n)
		c.w.lik = lik
	}
}

// ChunkStart tells an adaptive likelihood (ChunkStarter) that a chunk
// begins: records are the records it will push, in decode order, when
// encoding, and nil when decoding. It does nothing for other likelihoods.
// Package stream calls it for every chunk (SPEC.md section 5.2).
func (c *Coder) ChunkStart(records [][]byte) {
	if cs, ok := c.w.lik.(ChunkStarter); ok {
		cs.ChunkStart(records)
	}
}

// encodeRecords runs the encoder over the non-nil records.
func (c *Coder) encodeRecords(records [][]byte) {
	c.grow(len(records))
	c.slot = c.slot[:0]
	for lane, r := range records {
		if r != nil {
			c.w.setRecord(len(c.slot), r)
			c.slot = append(c.slot, lane)
		}
	}
	c.w.encode(len(c.slot))
}

// decodeLatents runs the decoder over the lanes whose record is not nil.
func (c *Coder) decodeLatents(latents [][]int32, records [][]byte) {
	c.grow(len(records))
	c.slot = c.slot[:0]
	for lane, r := range records {
		if r != nil {
			c.w.setLatent(len(c.slot), latents[lane])
			c.slot = append(c.slot, lane)
		}
	}
	c.w.decode(len(c.slot))
}

// PopPosterior pops each active lane's latent with q(y|s).
func (c *Coder) PopPosterior(m *ans.Message, records [][]byte, latents [][]int32) {
	c.encodeRecords(records)
	d := c.m.Arch.Latent
	g := c.m.buckets
	for s, lane := range c.slot {
		g.PopPosterior(m, lane, c.w.mu[s*d:(s+1)*d], c.w.sigma[s*d:(s+1)*d], latents[lane][:d])
	}
}

// PushPosterior pushes each active lane's latent with q(y|s).
func (c *Coder) PushPosterior(m *ans.Message, records [][]byte, latents [][]int32) {
	c.encodeRecords(records)
	d := c.m.Arch.Latent
	g := c.m.buckets
	for s := len(c.slot) - 1; s >= 0; s-- {
		lane := c.slot[s]
		g.PushPosterior(m, lane, latents[lane][:d], c.w.mu[s*d:(s+1)*d], c.w.sigma[s*d:(s+1)*d])
	}
}

// PushLikelihood pushes each active lane's record with p(s|y).
func (c *Coder) PushLikelihood(m *ans.Message, latents [][]int32, records [][]byte) {
	c.decodeLatents(latents, records)
	R := c.m.Arch.RecordSize
	for s, lane := range c.slot {
		c.w.lik.Push(m, lane, s, records[lane][:R])
	}
}

// PopLikelihood pops each active lane's record with p(s|y) into records.
func (c *Coder) PopLikelihood(m *ans.Message, latents [][]int32, records [][]byte) {
	c.decodeLatents(latents, records)
	R := c.m.Arch.RecordSize
	for s := len(c.slot) - 1; s >= 0; s-- {
		lane := c.slot[s]
		c.w.lik.Pop(m, lane, s, records[lane][:R])
	}
}

// PushPrior pushes each active lane's latent with the uniform prior over
// buckets.
func (c *Coder) PushPrior(m *ans.Message, latents [][]int32) {
	d := c.m.Arch.Latent
	for lane, l := range latents {
		if l != nil {
			c.m.buckets.PushPrior(m, lane, l[:d])
		}
	}
}

// PopPrior pops each active lane's latent with the prior.
func (c *Coder) PopPrior(m *ans.Message, latents [][]int32) {
	d := c.m.Arch.Latent
	for lane := len(latents) - 1; lane >= 0; lane-- {
		if l := latents[lane]; l != nil {
			c.m.buckets.PopPrior(m, lane, l[:d])
		}
	}
}
