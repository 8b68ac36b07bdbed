package stream

import (
	"bytes"
	"testing"

	"github.com/bbans/bbans/format"
	"github.com/google/go-cmp/cmp"
)

// TestDefaultModels checks that a Writer given no model codes binarized
// records with DefaultModel and 8-bit records with DefaultModel8Bit, as
// WithModel's doc and the CLI's help say.
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
	for name, data := range map[string][]byte{"binarized": binarized, "8-bit": eightBit} {
		// Without general frames: three such images go to Brotli, and the
		// header then names no model.
		a, err := EncodeAll(data, nil, WithIDX(false), WithGeneralCodec(false))
		if err != nil {
			t.Fatal(err)
		}
		h, err := format.NewReader(bytes.NewReader(a), format.Limits{}).ReadHeader()
		if err != nil {
			t.Fatal(err)
		}
		got[name] = h.ModelName
	}
	want := map[string]string{"binarized": DefaultModel, "8-bit": DefaultModel8Bit}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("models chosen (-want +got):\n%s", diff)
	}
}
