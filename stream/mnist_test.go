package stream

import (
	"bytes"
	"testing"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

// TestMNISTRoundTrip codes real MNIST test images with the built-in models,
// chosen automatically, and checks the round trip and that the archive is
// close to the model's negative ELBO: within 1% plus the fixed costs of the
// container and of each chunk's initial bits.
func TestMNISTRoundTrip(t *testing.T) {
	test, err := dataset.LoadMNIST("test")
	if err != nil {
		t.Fatal(err)
	}
	const n = 300
	sub := test.Slice(0, n)
	thr, err := dataset.Binarize(sub, dataset.Threshold)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		data      *dataset.Dataset
		wantModel string
	}{{thr, "mnist-bin-ar"}, {sub, "mnist-cm"}} {
		t.Run(c.wantModel, func(t *testing.T) {
			const chunk, lanes = 100, 4
			a, err := EncodeAll(c.data.Data, nil, WithChunkRecords(chunk), WithLanes(lanes))
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeAll(a, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, c.data.Data) {
				t.Fatal("round trip differs")
			}
			m, _ := vae.Builtin(c.wantModel)
			if !bytes.Contains(a[:80], []byte(c.wantModel)) {
				t.Errorf("archive does not name model %s", c.wantModel)
			}
			cost, err := m.NegELBO(c.data, 1)
			if err != nil {
				t.Fatal(err)
			}
			elbo := (cost.Lik + cost.Latent) / 8
			// Fixed costs: the header, 20 bytes a frame, 8 bytes of head
			// per lane and chunk, and once per chunk the initial bits (the
			// first record's posterior entropy, at most the prior's k bits
			// per latent dimension).
			chunks := n / chunk
			fixed := 100 + 20*chunks + chunks*(8*lanes+m.LatentSize()*int(m.BucketBits)/8)
			limit := elbo*1.01 + float64(fixed)
			t.Logf("%s: %d bytes, -ELBO %.0f bytes (%.4f bits/dim), archive %.4f bits/dim, allowance %d bytes",
				c.wantModel, len(a), elbo, cost.BitsPerByte(), float64(8*len(a))/float64(len(c.data.Data)), fixed)
			if float64(len(a)) > limit {
				t.Errorf("archive %d bytes > %.0f (-ELBO + 1%% + fixed costs)", len(a), limit)
			}
		})
	}
}
