package bench

import (
	"bytes"
	"fmt"

	"github.com/bbans/bbans/ans"
	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae"
)

// elboSeed seeds the posterior draws of NegELBO.
const elboSeed = 1

// namedModel is a model for bbans rows: a built-in one, or Config.Model.
type namedModel struct {
	name string
	m    *vae.Model // nil: a built-in model, looked up by name
}

// model returns the model called name: Config.Model, or a built-in one
// ("" for the Writer's choice).
func (cfg *Config) model(name string) namedModel {
	if cfg.Model != nil && name == cfg.ModelName {
		return namedModel{name, cfg.Model}
	}
	return namedModel{name: name}
}

// load returns the model for the Writer and for the negative ELBO.
func (n namedModel) load() (stream.Model, *vae.Model, error) {
	if n.m != nil {
		return stream.FromVAE(n.m), n.m, nil
	}
	sm, err := stream.Lookup(n.name)
	if err != nil {
		return nil, nil, err
	}
	vm, err := vae.Builtin(n.name)
	return sm, vm, err
}

// runBBANS compresses s with bbans (the model named, or the Writer's
// choice for ""), decompresses and checks the round trip, and computes the
// model's negative ELBO on the set's whole records.
func runBBANS(s *Set, model namedModel, threads int, r *Result) error {
	wopts := []stream.WOption{stream.WithEncoderConcurrency(threads)}
	ropts := []stream.ROption{stream.WithDecoderConcurrency(threads)}
	r.Note = "model chosen by the Writer"
	var vm *vae.Model
	if model.name != "" {
		sm, m, err := model.load()
		if err != nil {
			return err
		}
		vm = m
		wopts = append(wopts, stream.WithModel(sm))
		ropts = append(ropts, stream.WithModels(sm))
		r.Note = "model " + model.name
	}
	var archive []byte
	d, err := timed(func() (err error) {
		archive, err = stream.EncodeAll(s.Data, nil, wopts...)
		return err
	})
	if err != nil {
		return err
	}
	r.Compress, r.Bytes = d, len(archive)
	var back []byte
	if r.Decompress, err = timed(func() (err error) {
		back, err = stream.DecodeAll(archive, nil, ropts...)
		return err
	}); err != nil {
		return err
	}
	r.Verified = bytes.Equal(back, s.Data)
	if vm != nil {
		c, err := vm.NegELBO(s.dataset(), elboSeed)
		if err != nil {
			return err
		}
		r.NegELBO = c.BitsPerByte()
		r.Note += fmt.Sprintf(", -ELBO %.4f", r.NegELBO)
	}
	return nil
}

// A Trace is the running cost of one bits-back chain over a set: the
// records coded one after the other onto one single-lane message, as in
// Figure 3 of the BB-ANS paper.
type Trace struct {
	Set   string
	Model string
	// Dims is the bytes per record.
	Dims int
	// Bits[i] is the message's length in bits after i records; Bits[0] is
	// the empty message.
	Bits []int64
	// NegELBO is the model's negative ELBO on the same records, in
	// bits/dim.
	NegELBO float64
}

// trace codes the whole records of s one at a time with the set's model,
// recording the message's length after each.
//
// The length counted is what the message would take to store: 32 bits per
// tail word plus the significant bits of the head. Message.BitLen subtracts
// the words that the first posterior pops borrowed from below the empty
// tail, so it shows the net ELBO from the first record on; adding them back
// (32 bits per Borrowed word) shows the initial-bits cost, the bits the
// first records pay because there is nothing yet to get back.
func trace(s *Set, model namedModel, negELBO float64) (*Trace, error) {
	if model.name == "" {
		return nil, fmt.Errorf("bench: %s: no model to trace a chain with", s.Name)
	}
	_, m, err := model.load()
	if err != nil {
		return nil, err
	}
	n := s.Records()
	t := &Trace{Set: s.Name, Model: model.name, Dims: s.RecordSize, Bits: make([]int64, 1, n+1), NegELBO: negELBO}
	msg := ans.NewMessage(1)
	msg.Reserve(n * s.RecordSize / 8) // about 2 words a record at 0.2 bits/dim, 50 at 2
	coder := m.NewCoder(1)
	latents := [][]int32{make([]int32, coder.LatentSize())}
	records := [][]byte{nil}
	length := func() int64 { return msg.BitLen() + 32*int64(msg.Borrowed()) }
	t.Bits[0] = length()
	for i := range n {
		records[0] = s.Data[i*s.RecordSize : (i+1)*s.RecordSize]
		ans.Encode(msg, coder, records, latents)
		t.Bits = append(t.Bits, length())
	}
	return t, nil
}
