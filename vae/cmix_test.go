package vae_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/cmix"
	"github.com/bbans/bbans/vae/dataset"
)

// blobs returns n records of w×h bytes among levels: a disc of levels
// fading out from its centre on a background of the first level.
func blobs(n, w, h int, levels []byte, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 3))
	out := make([]byte, 0, n*w*h)
	L := len(levels)
	for k := 0; k < n; k++ {
		cx, cy, rad := r.IntN(w), r.IntN(h), 2+r.IntN(w/2)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				v := 0
				if d := (x-cx)*(x-cx) + (y-cy)*(y-cy); d <= rad*rad {
					v = L - 1 - d*(L-1)/(rad*rad+1)
				}
				out = append(out, levels[v])
			}
		}
	}
	return out
}

func primedCMix(t *testing.T, w, h int, levels []byte) (*vae.Model, []byte) {
	t.Helper()
	p := cmix.DefaultParams(w, h, 1, levels)
	p.TableBits = 14
	cm, err := cmix.New(p)
	if err != nil {
		t.Fatal(err)
	}
	cm.Prime(blobs(100, w, h, levels, 1), 1, nil)
	m, err := vae.NewCMix(cm, "cmix test")
	if err != nil {
		t.Fatal(err)
	}
	return m, blobs(150, w, h, levels, 2)
}

// TestCMixStream round-trips records through stream with a cmix model:
// four lanes, chunks of 70 records (staggered batches and full ones),
// escaped records (a byte that is not a level), and checks that the model
// file parses back to the same model and that NegELBO's cost is what the
// archive pays, within its overheads.
func TestCMixStream(t *testing.T) {
	levels := []byte{0, 40, 80, 120, 160, 200, 255}
	m, data := primedCMix(t, 12, 10, levels)
	for _, rec := range []int{3, 69, 70, 140} {
		data[rec*120+7] = 1 // escaped
	}
	if m.Codable(data[3*120 : 4*120]) {
		t.Fatal("a record with a byte outside the levels is codable")
	}
	var file bytes.Buffer
	if _, err := m.WriteTo(&file); err != nil {
		t.Fatal(err)
	}
	m2, err := vae.ParseModel(file.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if m2.Hash() != m.Hash() {
		t.Fatal("the model file parses to a different model")
	}
	sm := stream.FromVAE(m)
	archive, err := stream.EncodeAll(data, nil, stream.WithModel(sm),
		stream.WithLanes(4), stream.WithChunkRecords(70), stream.WithEncoderConcurrency(2))
	if err != nil {
		t.Fatal(err)
	}
	out, err := stream.DecodeAll(archive, nil, stream.WithModels(stream.FromVAE(m2)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, data) {
		t.Fatal("round trip through stream changed the data")
	}
	c, err := m.NegELBO(&dataset.Dataset{RecordSize: 120, Data: blobs(150, 12, 10, levels, 2)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	// The archive's chunks reset the state every 70 records and carry
	// escapes and chunk overheads; NegELBO adapts over all 150 records:
	// the archive may cost more, but not more than the escaped bytes, 300
	// bytes of overheads and half again.
	limit := (c.BitsPerByte()*float64(len(data))/8)*1.5 + 4*120 + 300
	if float64(len(archive)) > limit || c.BitsPerByte() >= math.Log2(float64(len(levels))) {
		t.Errorf("archive %d bytes, NegELBO %v", len(archive), c)
	}
}

// TestCMixScratchBytes holds ScratchBytes to what NewCoder allocates for a
// cmix model, whose coder's state (counters, weights, maps) dwarfs the
// per-lane buffers: a stream reader refuses an embedded model by it.
func TestCMixScratchBytes(t *testing.T) {
	m, _ := primedCMix(t, 12, 10, []byte{0, 40, 80, 120, 160, 200, 255})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c := m.NewCoder(4)
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(c)
	got, est := int64(after.TotalAlloc-before.TotalAlloc), m.ScratchBytes(4)
	if got > est || est > 2*got {
		t.Errorf("NewCoder allocated %d bytes, ScratchBytes says %d", got, est)
	}
}

// TestBuiltinCMix codes a dozen 8-bit MNIST test images with the built-in
// mnist-cmix in two chunks, as an archive at the highest level does: they
// round-trip and cost less than with mnist-cm. (The full test set is a
// command, in README.md: it takes a minute.)
func TestBuiltinCMix(t *testing.T) {
	d, err := dataset.LoadMNIST("test")
	if err != nil {
		t.Skip(err)
	}
	data := d.Slice(0, 12).Data
	size := map[string]int{}
	for _, name := range []string{"mnist-cmix", "mnist-cm"} {
		m, err := stream.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		a, err := stream.EncodeAll(data, nil, stream.WithModel(m), stream.WithChunkRecords(6), stream.WithGeneralCodec(false))
		if err != nil {
			t.Fatal(err)
		}
		back, err := stream.DecodeAll(a, nil)
		if err != nil || !bytes.Equal(back, data) {
			t.Fatalf("%s: round trip fails (%v)", name, err)
		}
		size[name] = len(a)
	}
	t.Logf("12 images: %v bytes", size)
	if size["mnist-cmix"] >= size["mnist-cm"] {
		t.Errorf("mnist-cmix %d bytes, mnist-cm %d", size["mnist-cmix"], size["mnist-cm"])
	}
}
