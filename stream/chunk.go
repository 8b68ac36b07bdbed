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

const (
	escapePrec = 16
	escapeProb = 1 // P(escape) = escapeProb / 2^escapePrec
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
	}
	for i := range c.latents {
		c.latents[i] = make([]int32, c.coder.LatentSize())
	}
	return c
}

// chunkLanes returns the lane count of a chunk of n records.
func chunkLanes(lanes, n int) int { return max(1, min(lanes, n)) }

// encode appends to dst the payload coding the records in data
// (len(data) a multiple of the record size, at least one record).
func (c *chunkCoder) encode(dst, data []byte) []byte {
	size := c.model.RecordSize()
	n := len(data) / size
	lanes := chunkLanes(c.lanes, n)
	c.msg.Reset(lanes)
	c.msg.Reserve(len(data) / 8) // a guess; the tail grows if needed
	batches := (n + lanes - 1) / lanes
	for b := batches - 1; b >= 0; b-- {
		first := b * lanes
		k := min(lanes, n-first)
		c.recs = c.recs[:k]
		c.lats = c.lats[:k]
		escaped := false
		for i := range k {
			rec := data[(first+i)*size : (first+i+1)*size]
			if c.model.Codable(rec) {
				c.recs[i], c.lats[i] = rec, c.latents[i]
			} else {
				c.recs[i], c.lats[i] = nil, nil
				escaped = true
			}
		}
		ans.Encode(c.msg, c.coder, c.recs, c.lats)
		for i := range k {
			if escaped && c.recs[i] == nil {
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
	flag := make([]byte, 1)
	batches := (n + lanes - 1) / lanes
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
		ans.Decode(c.msg, c.coder, c.lats, c.recs)
	}
	if c.empty == nil || c.empty.Lanes() != lanes {
		c.empty = ans.NewMessage(lanes)
	}
	if !c.msg.Equal(c.empty) {
		return errChunkResidue
	}
	return nil
}
