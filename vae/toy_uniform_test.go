package vae_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/bbans/bbans/ans"
	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

// A likelihood added from outside the package, in this file only: every
// byte uniform over the values 0..15 (4 bits each), no nets. It shows what a family must
// provide (RegisterLikelihood, Family, Tables, LikCoder) and that the rest
// of vae and stream code with it unchanged.

const uniformLik vae.Likelihood = 250

func init() { vae.RegisterLikelihood(uniformLik, uniformFamily{}) }

type uniformFamily struct{}

func (uniformFamily) Name() string         { return "test-uniform" }
func (uniformFamily) Alphabet() int        { return 16 }
func (uniformFamily) MaxComponents() int   { return 1 }
func (uniformFamily) Params(*vae.Arch) int { return 0 }

// Parse reads the section: one byte, the bits per byte value (4).
func (uniformFamily) Parse(s *vae.Section, a *vae.Arch, likPrec uint) (vae.Tables, error) {
	b, err := s.U8()
	if err != nil {
		return nil, err
	}
	if b != 4 || likPrec != 4 {
		return nil, fmt.Errorf("uniform likelihood of %d bits at precision %d", b, likPrec)
	}
	return uniformTables{}, nil
}

type uniformTables struct{}

func (uniformTables) AppendSection(b []byte) []byte { return append(b, 4) }
func (uniformTables) NewCoder(a *vae.Arch, slots int) vae.LikCoder {
	return uniformCoder{}
}

type uniformCoder struct{}

func (uniformCoder) Reserve(int)            {}
func (uniformCoder) SetParams(int, []int32) {}

func (uniformCoder) Push(m *ans.Message, lane, _ int, rec []byte) {
	for i := len(rec) - 1; i >= 0; i-- {
		m.Push(lane, uint32(rec[i]), 1, 4)
	}
}

func (uniformCoder) Pop(m *ans.Message, lane, _ int, rec []byte) {
	for i := range rec {
		s := m.Peek(lane, 4)
		m.Pop(lane, s, 1, 4)
		rec[i] = byte(s)
	}
}

func (uniformCoder) Cost(_ int, rec []byte, f func(freq uint32, prec uint)) {
	for range rec {
		f(1, 4)
	}
}

// TestUniformLikelihood builds a model of the toy likelihood, checks that
// its model file reads back, that NegELBO is 4 bits per byte, and that
// records round-trip through stream on several lanes, coded in about half
// their size, with the records it cannot code escaped.
func TestUniformLikelihood(t *testing.T) {
	a := vae.Arch{RecordSize: 12, Likelihood: uniformLik, Components: 1}
	m, err := vae.NewModel(a, 4, uniformTables{}, nil, "uniform toy")
	if err != nil {
		t.Fatal(err)
	}
	got, err := vae.ParseModel(m.File())
	if err != nil {
		t.Fatal(err)
	}
	if got.Arch.String() != "12-0-12/test-uniform" || got.Hash() != m.Hash() {
		t.Errorf("read back %v, hash %x", got.Arch, got.Hash())
	}
	data := make([]byte, 12*300)
	for i := range data {
		data[i] = byte(i*7) & 15
	}
	d := &dataset.Dataset{RecordSize: 12, Data: bytes.Clone(data)}
	c, err := m.NegELBO(d, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.BitsPerByte() != 4 {
		t.Errorf("NegELBO %v, want 4 bits/dim", c)
	}
	data[5*12+3] = 200 // records 5 and 250 are escaped
	data[250*12] = 16
	sm := stream.FromVAE(m)
	archive, err := stream.EncodeAll(data, nil, stream.WithModel(sm), stream.WithLanes(3), stream.WithChunkRecords(100))
	if err != nil {
		t.Fatal(err)
	}
	out, err := stream.DecodeAll(archive, nil, stream.WithModels(sm))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, data) {
		t.Fatalf("round trip through stream changed the data")
	}
	if len(archive) > len(data)*6/10 {
		t.Errorf("archive of %d bytes for %d bytes at 4 bits each", len(archive), len(data))
	}
}
