package stream

import (
	"errors"
	"fmt"

	"github.com/bbans/bbans/ans"
)

// How a chunk of records becomes one ANS message (SPEC.md section 5).
//
// A chunk of n records r[0..n-1] is coded on L = min(lanes, n) lanes in
// batches of L: batch b holds records bL .. bL+L-1 (the last batch may be
// shorter), record bL+i on lane i. The encoder codes batches from the last
// to the first, so that the decoder, popping, meets them first to last.
// For each batch it runs the bits-back step (ans.Encode) over the records the
// model can code, then, for each lane i in increasing order, pushes the
// record's bytes verbatim if it is escaped (each byte uniform over 256,
// last byte first) and finally an escape flag: a Bernoulli bit with
// P(escaped) = 2^-16, which costs 2.2e-5 bits per record when unused.
//
// The staggerBatches batches the encoder codes first (the last ones of the
// chunk) run the bits-back step one lane at a time, lane 0 first. The lanes
// share one tail, so lane 0's first record pops its latent from the empty
// message (the initial-bits cost, SPEC.md section 1.3) and pushes its
// record, and lane 1 then pops its latent from what lane 0 pushed. Only one
// record per chunk pays the initial bits instead of one per lane; by the
// time whole batches pop L latents at once, the records coded one at a time
// have left enough bits in the message for them (each record leaves its
// negative ELBO, and a latent takes its posterior entropy: for the MNIST
// models a ratio under 4, so 8 staggered batches leave room to spare).

const (
	staggerBatches = 8
	escapePrec     = 16
	escapeProb     = 1 // P(escape) = escapeProb / 2^escapePrec
)

var (
	escapeProbs = []uint16{escapeProb}
	flagEscaped = []byte{1}
	flagCoded   = []byte{0}
)

// errChunkResidue is returned when a chunk decodes to records but the
// message is not exactly empty afterwards: the payload is damaged.
var errChunkResidue = errors.New("message not empty after its records")

// chunkCoder codes chunks; it holds one goroutine's scratch space.
type chunkCoder struct {
	model   Model
	coder   Coder
	lanes   int
	msg     *ans.Message
	empty   *ans.Message
	latents [][]int32 // scratch, one per lane
	recs    [][]byte  // the batch's records, nil where escaped
	lats    [][]int32 // latents[i], nil where recs[i] is
	recs1   [][]byte  // one active lane of recs, for the staggered batch
	lats1   [][]int32
	order   [][]byte // the chunk's records in decode order, for chunkStart
	pay     []byte   // the payloads of the last chunk's frames (chunk_limits.go)
	flag    [1]byte  // a popped escape flag
}

// ChunkStarter is implemented by a Coder whose likelihood adapts within a
// chunk (vae.ChunkStarter): before a chunk is coded it is given the
// chunk's non-escaped records in decode order (SPEC.md section 5.2) when
// encoding, and nil when decoding.
type ChunkStarter interface {
	ChunkStart(decodeOrder [][]byte)
}

func newChunkCoder(m Model, lanes int) *chunkCoder {
	c := &chunkCoder{
		model:   m,
		coder:   m.NewCoder(lanes),
		lanes:   lanes,
		msg:     ans.NewMessage(lanes),
		latents: make([][]int32, lanes),
		recs:    make([][]byte, 0, lanes),
		lats:    make([][]int32, 0, lanes),
		recs1:   make([][]byte, 0, lanes),
		lats1:   make([][]int32, 0, lanes),
	}
	for i := range c.latents {
		c.latents[i] = make([]int32, c.coder.LatentSize())
	}
	return c
}

// stagger calls step once for each lane i of the batch, with only lane i
// active (records and latents nil elsewhere): in increasing lane order for
// the encoder, decreasing for the decoder, which undoes it.
func (c *chunkCoder) stagger(k int, reverse bool, step func([][]byte, [][]int32)) {
	for j := range k {
		i := j
		if reverse {
			i = k - 1 - j
		}
		c.oneLane(i)
		if c.recs1[i] != nil {
			step(c.recs1, c.lats1)
		}
	}
}

// oneLane sets recs1 and lats1 to lanes 0..i with only lane i active.
func (c *chunkCoder) oneLane(i int) {
	c.recs1 = c.recs1[:i+1]
	c.lats1 = c.lats1[:i+1]
	for j := range i {
		c.recs1[j], c.lats1[j] = nil, nil
	}
	c.recs1[i], c.lats1[i] = c.recs[i], c.lats[i]
}

// chunkLanes returns the lane count of a chunk of n records.
func chunkLanes(lanes, n int) int { return max(1, min(lanes, n)) }

// decodeOrder returns the codable records of data (n records on lanes
// lanes) in the order the decoder pops them with the likelihood: batches
// first to last, lanes from the highest to the lowest.
func (c *chunkCoder) decodeOrder(data []byte, n, lanes int) [][]byte {
	size := c.model.RecordSize()
	c.order = c.order[:0]
	for first := 0; first < n; first += lanes {
		for i := min(lanes, n-first) - 1; i >= 0; i-- {
			if rec := data[(first+i)*size : (first+i+1)*size]; c.model.Codable(rec) {
				c.order = append(c.order, rec)
			}
		}
	}
	return c.order
}

// encode appends to dst the payload coding the records in data
// (len(data) a multiple of the record size, at least one record).
func (c *chunkCoder) encode(dst, data []byte) []byte {
	size := c.model.RecordSize()
	n := len(data) / size
	lanes := chunkLanes(c.lanes, n)
	c.msg.Reset(lanes)
	c.msg.Reserve(len(data) / 8) // a guess; the tail grows if needed
	batches := (n + lanes - 1) / lanes
	if cs, ok := c.coder.(ChunkStarter); ok {
		cs.ChunkStart(c.decodeOrder(data, n, lanes))
	}
	for b := batches - 1; b >= 0; b-- {
		first := b * lanes
		k := min(lanes, n-first)
		c.recs = c.recs[:k]
		c.lats = c.lats[:k]
		for i := range k {
			rec := data[(first+i)*size : (first+i+1)*size]
			if c.model.Codable(rec) {
				c.recs[i], c.lats[i] = rec, c.latents[i]
			} else {
				c.recs[i], c.lats[i] = nil, nil
			}
		}
		if b >= batches-staggerBatches {
			c.stagger(k, false, func(recs [][]byte, lats [][]int32) { ans.Encode(c.msg, c.coder, recs, lats) })
		} else {
			ans.Encode(c.msg, c.coder, c.recs, c.lats)
		}
		for i := range k {
			if c.recs[i] == nil { // escaped
				rec := data[(first+i)*size : (first+i+1)*size]
				for j := len(rec) - 1; j >= 0; j-- {
					c.msg.Push(i, uint32(rec[j]), 1, 8)
				}
				ans.PushBernoulli(c.msg, i, flagEscaped, escapeProbs, escapePrec)
			} else {
				ans.PushBernoulli(c.msg, i, flagCoded, escapeProbs, escapePrec)
			}
		}
	}
	clear(c.order) // keep no reference to the caller's data
	dst, _ = c.msg.AppendBinary(dst)
	return dst
}

// decode decodes a payload holding len(out)/RecordSize records into out.
// Damage is reported as an error, never a panic: every pop from any message
// is defined, so garbage decodes to some records, and the final check (the
// message must be exactly the empty message) or the caller's CRC catches it.
func (c *chunkCoder) decode(out, payload []byte) error {
	size := c.model.RecordSize()
	n := len(out) / size
	lanes := chunkLanes(c.lanes, n)
	if err := c.msg.UnmarshalBinary(payload); err != nil {
		return err
	}
	if c.msg.Lanes() != lanes {
		return fmt.Errorf("message has %d lanes, chunk of %d records needs %d", c.msg.Lanes(), n, lanes)
	}
	flag := c.flag[:]
	batches := (n + lanes - 1) / lanes
	if cs, ok := c.coder.(ChunkStarter); ok {
		cs.ChunkStart(nil)
	}
	for b := range batches {
		first := b * lanes
		k := min(lanes, n-first)
		c.recs = c.recs[:k]
		c.lats = c.lats[:k]
		for i := k - 1; i >= 0; i-- {
			rec := out[(first+i)*size : (first+i+1)*size]
			ans.PopBernoulli(c.msg, i, escapeProbs, escapePrec, flag)
			if flag[0] == 1 {
				for j := range rec {
					s := c.msg.Peek(i, 8)
					c.msg.Pop(i, s, 1, 8)
					rec[j] = byte(s)
				}
				c.recs[i], c.lats[i] = nil, nil
			} else {
				c.recs[i], c.lats[i] = rec, c.latents[i]
			}
		}
		if b >= batches-staggerBatches {
			c.stagger(k, true, func(recs [][]byte, lats [][]int32) { ans.Decode(c.msg, c.coder, lats, recs) })
		} else {
			ans.Decode(c.msg, c.coder, c.lats, c.recs)
		}
	}
	if c.empty == nil || c.empty.Lanes() != lanes {
		c.empty = ans.NewMessage(lanes)
	}
	if !c.msg.Equal(c.empty) {
		return errChunkResidue
	}
	return nil
}
