package stream

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/bbans/bbans/format"
	"github.com/google/go-cmp/cmp"
)

// TestDefaultModels checks that a Writer given no model codes binarized
// records with DefaultModel and 8-bit records with DefaultModel8Bit, or
// BestModel and BestModel8Bit from BestLevel, as WithModel's doc and the CLI's help say;
// and that the chunk records are the level's unless given.
func TestDefaultModels(t *testing.T) {
	binarized := make([]byte, 3*784)
	eightBit := make([]byte, 3*784)
	for r := range 3 {
		for i := 300; i < 340; i++ { // a bar across the middle of each image
			binarized[r*784+i] = 1
			eightBit[r*784+i] = byte(100 + 50*r)
		}
	}
	got := map[string]string{}
	chunks := map[string]int{}
	for _, level := range []int{DefaultLevel, BestLevel - 1, BestLevel, MaxLevel} {
		for name, data := range map[string][]byte{"binarized": binarized, "8-bit": eightBit} {
			// Without general frames: three such images go to Brotli, and the
			// header then names no model.
			a, err := EncodeAll(data, nil, WithIDX(false), WithGeneralCodec(false), WithEncoderLevel(level))
			if err != nil {
				t.Fatal(err)
			}
			h, err := format.NewReader(bytes.NewReader(a), format.Limits{}).ReadHeader()
			if err != nil {
				t.Fatal(err)
			}
			key := fmt.Sprintf("%s at %d", name, level)
			got[key], chunks[key] = h.ModelName, h.ChunkRecords
			if b, err := DecodeAll(a, nil); err != nil || !bytes.Equal(b, data) {
				t.Errorf("%s: round trip fails (%v)", key, err)
			}
		}
	}
	want := map[string]string{}
	wantChunks := map[string]int{}
	for _, level := range []int{DefaultLevel, BestLevel - 1, BestLevel, MaxLevel} {
		m, m8, c := DefaultModel, DefaultModel8Bit, DefaultChunkRecords
		if level >= BestLevel {
			m, m8 = BestModel, BestModel8Bit
		}
		if level == MaxLevel {
			c = BestChunkRecords
		}
		want[fmt.Sprintf("binarized at %d", level)] = m
		want[fmt.Sprintf("8-bit at %d", level)] = m8
		wantChunks[fmt.Sprintf("binarized at %d", level)] = c
		wantChunks[fmt.Sprintf("8-bit at %d", level)] = c
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("models chosen (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantChunks, chunks); diff != "" {
		t.Errorf("chunk records (-want +got):\n%s", diff)
	}
	// WithChunkRecords wins over the level's.
	a, err := EncodeAll(eightBit, nil, WithIDX(false), WithGeneralCodec(false), WithEncoderLevel(MaxLevel), WithChunkRecords(2))
	if err != nil {
		t.Fatal(err)
	}
	if h, err := format.NewReader(bytes.NewReader(a), format.Limits{}).ReadHeader(); err != nil || h.ChunkRecords != 2 {
		t.Errorf("level %d with WithChunkRecords(2): header %+v, %v", MaxLevel, h, err)
	}
}

// TestCandidates checks the order a Writer with no model tries the
// registered models in: BestModel and BestModel8Bit move to just before
// DefaultModel and DefaultModel8Bit only at the levels that prefer them.
func TestCandidates(t *testing.T) {
	var ms []Model
	for _, n := range []string{DefaultModel, DefaultModel8Bit, "mnist-ar", BestModel8Bit, "other", BestModel} {
		ms = append(ms, namedModel{n})
	}
	names := func(ms []Model) (s []string) {
		for _, m := range ms {
			s = append(s, m.Name())
		}
		return s
	}
	if diff := cmp.Diff([]string{DefaultModel, DefaultModel8Bit, "mnist-ar", BestModel8Bit, "other", BestModel}, names(candidates(ms, false))); diff != "" {
		t.Errorf("not best (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{BestModel, DefaultModel, BestModel8Bit, DefaultModel8Bit, "mnist-ar", "other"}, names(candidates(ms, true))); diff != "" {
		t.Errorf("best (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{DefaultModel, DefaultModel8Bit}, names(candidates(ms[:2], true))); diff != "" {
		t.Errorf("best, without BestModel8Bit (-want +got):\n%s", diff)
	}
	// The caller's slice is not reordered.
	if ms[0].Name() != DefaultModel || ms[5].Name() != BestModel {
		t.Errorf("candidates changed its argument: %v", names(ms))
	}
}

// namedModel is a Model with a name only, for the order of candidates.
type namedModel struct{ name string }

func (m namedModel) Name() string      { return m.name }
func (namedModel) Hash() [32]byte      { return [32]byte{} }
func (namedModel) RecordSize() int     { return 784 }
func (namedModel) Codable([]byte) bool { return true }
func (namedModel) NewCoder(int) Coder  { return nil }
func (namedModel) File() []byte        { return nil }
