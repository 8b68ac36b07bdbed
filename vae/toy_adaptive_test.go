package vae_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/bbans/bbans/ans"
	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

// An adaptive likelihood added from outside the package, in this file
// only: bytes 0..63, each coded with the counts of the values in the
// records decoded so far in the chunk (every count starting at 1), no
// nets. The encoder gets the chunk's records in decode order before it
// pushes any (ChunkStart) and keeps the counts before each record; the
// decoder counts as it pops.

const adaptiveLik vae.Likelihood = 251

const (
	adaptiveLevels = 64
	adaptivePrec   = 16
)

func init() { vae.RegisterLikelihood(adaptiveLik, adaptiveFamily{}) }

type adaptiveFamily struct{}

func (adaptiveFamily) Name() string         { return "test-adaptive" }
func (adaptiveFamily) Alphabet() int        { return adaptiveLevels }
func (adaptiveFamily) MaxComponents() int   { return 1 }
func (adaptiveFamily) Params(*vae.Arch) int { return 0 }

// Parse reads an empty section.
func (adaptiveFamily) Parse(s *vae.Section, a *vae.Arch, likPrec uint) (vae.Tables, error) {
	if likPrec != adaptivePrec {
		return nil, fmt.Errorf("adaptive likelihood at precision %d", likPrec)
	}
	return adaptiveTables{}, nil
}

type adaptiveTables struct{}

func (adaptiveTables) AppendSection(b []byte) []byte { return b }
func (adaptiveTables) NewCoder(a *vae.Arch, slots int) vae.LikCoder {
	c := &adaptiveCoder{}
	c.reset()
	return c
}

type counts [adaptiveLevels]uint32

type adaptiveCoder struct {
	live counts // the decoder's (and Cost's) state
	// The encoder's: the chunk in decode order, the counts before each of
	// its records, and the index of the record the next Push codes.
	order  [][]byte
	before []counts
	next   int
	err    error // a Push out of decode order
}

func (c *adaptiveCoder) reset() {
	for v := range c.live {
		c.live[v] = 1
	}
}

func (c *adaptiveCoder) ChunkStart(order [][]byte) {
	c.reset()
	c.order, c.before = order, c.before[:0]
	for _, rec := range order {
		c.before = append(c.before, c.live)
		c.learn(rec)
	}
	c.next = len(order) - 1
	c.reset()
}

func (c *adaptiveCoder) learn(rec []byte) {
	for _, v := range rec {
		c.live[v]++
	}
}

// cdf returns the cumulative frequency below value v: v plus the counts
// below v scaled to the 2^16 - 64 that is left, so every value has a
// frequency of at least 1.
func (n *counts) cdf(v int) uint32 {
	var below, total uint64
	for u, k := range n {
		if u < v {
			below += uint64(k)
		}
		total += uint64(k)
	}
	return uint32(v) + uint32(below*(1<<adaptivePrec-adaptiveLevels)/total)
}

func (c *adaptiveCoder) Reserve(int)            {}
func (c *adaptiveCoder) SetParams(int, []int32) {}

func (c *adaptiveCoder) Push(m *ans.Message, lane, _ int, rec []byte) {
	if c.next < 0 || &c.order[c.next][0] != &rec[0] {
		c.err = fmt.Errorf("push %d is not the record decode order predicts", len(c.order)-1-c.next)
		return
	}
	n := &c.before[c.next]
	c.next--
	for i := len(rec) - 1; i >= 0; i-- {
		lo, hi := n.cdf(int(rec[i])), n.cdf(int(rec[i])+1)
		m.Push(lane, lo, hi-lo, adaptivePrec)
	}
}

func (c *adaptiveCoder) Pop(m *ans.Message, lane, _ int, rec []byte) {
	for i := range rec {
		s := m.Peek(lane, adaptivePrec)
		v := 0
		for c.live.cdf(v+1) <= s {
			v++
		}
		lo, hi := c.live.cdf(v), c.live.cdf(v+1)
		m.Pop(lane, lo, hi-lo, adaptivePrec)
		rec[i] = byte(v)
	}
	c.learn(rec)
}

func (c *adaptiveCoder) Cost(_ int, rec []byte, f func(freq uint32, prec uint)) {
	for _, v := range rec {
		f(c.live.cdf(int(v)+1)-c.live.cdf(int(v)), adaptivePrec)
	}
	c.learn(rec)
}

// TestAdaptiveLikelihood round-trips records through stream with the
// adaptive toy likelihood: four lanes, chunks of 70 records (18 batches,
// the first eight the encoder codes staggered lane by lane), escaped
// records among them. The encoder must push the records in the reverse of
// the order ChunkStart gave, and adapting must pay: the archive (chunk
// overheads included) is under 4 bits per byte, against the 6 of the
// uniform code.
func TestAdaptiveLikelihood(t *testing.T) {
	a := vae.Arch{RecordSize: 16, Likelihood: adaptiveLik, Components: 1}
	m, err := vae.NewModel(a, adaptivePrec, adaptiveTables{}, nil, "adaptive toy")
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(4, 5))
	const n = 200
	data := make([]byte, 16*n)
	for i := range data {
		data[i] = byte(r.IntN(4)) // 2 bits of entropy per byte
		if r.IntN(50) == 0 {
			data[i] = byte(r.IntN(adaptiveLevels))
		}
	}
	for _, rec := range []int{3, 69, 70, 150} {
		data[rec*16+5] = 100 // escaped: outside the alphabet
	}
	sm := stream.FromVAE(m)
	var coders []*adaptiveCoder
	archive, err := stream.EncodeAll(data, nil, stream.WithModel(&spyModel{Model: sm, coders: &coders}),
		stream.WithLanes(4), stream.WithChunkRecords(70), stream.WithEncoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(coders) == 0 {
		t.Fatal("the stream made no coder")
	}
	for _, c := range coders {
		if c.err != nil {
			t.Fatal(c.err)
		}
	}
	out, err := stream.DecodeAll(archive, nil, stream.WithModels(sm))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, data) {
		t.Fatalf("round trip through stream changed the data")
	}
	if len(archive)*2 > len(data) {
		t.Errorf("archive of %d bytes for %d bytes of about 2.3 bits each", len(archive), len(data))
	}
	// NegELBO sees the data set as one chunk in record order.
	c, err := m.NegELBO(&dataset.Dataset{RecordSize: 16, Data: data[:16*3]}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.BitsPerByte() >= 6 {
		t.Errorf("NegELBO %v does not adapt", c)
	}
}

// spyModel is a stream model whose coders the test can inspect.
type spyModel struct {
	stream.Model
	coders *[]*adaptiveCoder
}

func (s *spyModel) NewCoder(lanes int) stream.Coder {
	c := s.Model.NewCoder(lanes)
	*s.coders = append(*s.coders, c.(*vae.Coder).LikCoder().(*adaptiveCoder))
	return c
}
