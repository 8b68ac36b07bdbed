package stream

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/cmix"
	"github.com/bbans/bbans/vae/dataset"
)

var update = flag.Bool("update", false, "rewrite the golden archives in testdata/golden")

// goldenCase is an archive written once and kept: CI decodes it on every
// CPU path (SIMD levels, noasm, GOAMD64=v3, arm64 under qemu) and re-encodes
// its content, which must give the same bytes. An archive that stops
// decoding bit-exactly is a failed build.
type goldenCase struct {
	name  string
	model string                   // pinned, so that a new default model changes no golden bytes
	mk    func(t testing.TB) Model // if not nil, the model instead (one the case embeds)
	opts  []WOption
	data  func(t testing.TB) []byte
}

// options returns the case's writer options, its model first. The cases
// written before archives had an index (SPEC.md section 4.11) keep their
// bytes: an index is written only where a case asks for it. Likewise the
// cases written before general-codec frames existed are re-encoded without
// them, as they were written; later cases turn them on
// (WithGeneralCodec(true)).
func (c goldenCase) options(t testing.TB) []WOption {
	if c.mk != nil {
		return append([]WOption{WithModel(c.mk(t)), WithIndex(false), WithGeneralCodec(false)}, c.opts...)
	}
	m, err := Lookup(c.model)
	if err != nil {
		t.Fatal(err)
	}
	return append([]WOption{WithModel(m), WithIndex(false), WithGeneralCodec(false)}, c.opts...)
}

func mnistSlice(t testing.TB, lo, hi int, b dataset.Binarization) []byte {
	t.Helper()
	d, err := dataset.LoadMNIST("test")
	if err != nil {
		t.Fatal(err)
	}
	s, err := dataset.Binarize(d.Slice(lo, hi), b)
	if err != nil {
		t.Fatal(err)
	}
	return s.Data
}

var goldenCases = []goldenCase{
	{"threshold", "mnist-bin", nil, []WOption{WithChunkRecords(16), WithLanes(4)}, func(t testing.TB) []byte {
		return mnistSlice(t, 0, 40, dataset.Threshold)
	}},
	{"sampled", "mnist-bin", nil, []WOption{WithChunkRecords(40), WithLanes(2)}, func(t testing.TB) []byte {
		return mnistSlice(t, 40, 80, dataset.Sampled)
	}},
	{"8bit", "mnist", nil, []WOption{WithChunkRecords(16), WithLanes(3)}, func(t testing.TB) []byte {
		return mnistSlice(t, 80, 120, dataset.None)
	}},
	// Written before embedded models were compressed: the verbatim form.
	{"embedded", "mnist-bin", nil, []WOption{WithEmbeddedModel(true), WithEmbeddedModelRaw(true), WithChunkRecords(8)}, func(t testing.TB) []byte {
		return mnistSlice(t, 120, 130, dataset.Threshold)
	}},
	{"escapes-stored-tail", "mnist-bin", nil, []WOption{WithChunkRecords(5), WithLanes(2)}, func(t testing.TB) []byte {
		d := mnistSlice(t, 130, 140, dataset.Threshold)
		d[3*784+400] = 7 // an escape in a binarized chunk
		d = append(d, randomBytes(5*784, 11)...)
		return append(d, 1, 0, 1)
	}},
	{"threshold-ar", "mnist-bin-ar", nil, []WOption{WithChunkRecords(16), WithLanes(4)}, func(t testing.TB) []byte {
		return mnistSlice(t, 160, 200, dataset.Threshold)
	}},
	{"sampled-ar", "mnist-bin-ar", nil, []WOption{WithChunkRecords(40), WithLanes(2)}, func(t testing.TB) []byte {
		return mnistSlice(t, 200, 240, dataset.Sampled)
	}},
	{"8bit-ar", "mnist-ar", nil, []WOption{WithChunkRecords(16), WithLanes(3)}, func(t testing.TB) []byte {
		d := mnistSlice(t, 240, 280, dataset.None)
		return append(d, 9, 8, 7) // and a tail
	}},
	{"8bit-cm", "mnist-cm", nil, []WOption{WithChunkRecords(16), WithLanes(3)}, func(t testing.TB) []byte {
		d := mnistSlice(t, 280, 320, dataset.None)
		return append(d, 6, 5) // and a tail
	}},
	{"idx", "mnist-bin", nil, []WOption{WithChunkRecords(10)}, func(t testing.TB) []byte {
		h := []byte{0, 0, 8, 3, 0, 0, 0, 12, 0, 0, 0, 28, 0, 0, 0, 28}
		return append(h, mnistSlice(t, 140, 152, dataset.Threshold)...)
	}},
	{"indexed", "mnist-bin-ar", nil, []WOption{WithIndex(true), WithChunkRecords(8), WithLanes(2)}, func(t testing.TB) []byte {
		d := mnistSlice(t, 320, 350, dataset.Threshold)
		d[9*784+300] = 3          // an escape
		return append(d, 1, 1, 0) // and a tail
	}},
	{"indexed-idx", "mnist-cm", nil, []WOption{WithIndex(true), WithChunkRecords(4), WithLanes(2)}, func(t testing.TB) []byte {
		h := []byte{0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28}
		d := append(h, mnistSlice(t, 350, 360, dataset.None)...)
		copy(d[16+4*784:], randomBytes(4*784, 5)) // a stored chunk
		return d
	}},
	{"embedded-zstd", "mnist-bin", nil, []WOption{WithEmbeddedModel(true), WithChunkRecords(8)}, func(t testing.TB) []byte {
		return mnistSlice(t, 330, 340, dataset.Threshold)
	}},
	// Images and text: chunks of each kind go to the model, the text to
	// the general codec (Brotli at the default level, Zstd at level 3).
	{"general-brotli", "mnist-bin-ar", nil, []WOption{WithGeneralCodec(true), WithIndex(true), WithChunkRecords(8)}, func(t testing.TB) []byte {
		return append(mixedContent(t, 320, 8, 8*784), "and a tail of text."...)
	}},
	{"general-zstd", "mnist-bin-ar", nil, []WOption{WithGeneralCodec(true), WithIndex(true), WithEncoderLevel(3), WithChunkRecords(8)}, func(t testing.TB) []byte {
		return append(mixedContent(t, 336, 8, 8*784), "and a tail of text."...)
	}},
	// Longer than the 128 KiB the header is decided on, in chunks under
	// 64 KiB: chunk_records is raised to 84 (64 KiB of records) and the
	// three stored chunks of random records go into one stored frame.
	{"merged-stored", "mnist-bin-ar", nil, []WOption{WithIndex(true), WithChunkRecords(4), WithLanes(2)}, func(t testing.TB) []byte {
		d := mnistSlice(t, 400, 568, dataset.Threshold)
		d = append(d, randomBytes(12*784, 13)...)
		d = append(d, mnistSlice(t, 568, 576, dataset.Threshold)...)
		return append(d, 0, 1) // and a tail
	}},
	// A threshold chunk then a sampled one: the adaptive counters and the
	// regime switch of bernoulli-cm.
	{"binarized-cm", "mnist-bin-cm", nil, []WOption{WithChunkRecords(20), WithLanes(3)}, func(t testing.TB) []byte {
		return append(mnistSlice(t, 400, 420, dataset.Threshold), mnistSlice(t, 420, 440, dataset.Sampled)...)
	}},
	// mnist-bin-cm2, the same likelihood with other weights: a sampled
	// chunk then a threshold one.
	{"binarized-cm2", "mnist-bin-cm2", nil, []WOption{WithChunkRecords(20), WithLanes(3)}, func(t testing.TB) []byte {
		return append(mnistSlice(t, 440, 460, dataset.Sampled), mnistSlice(t, 460, 480, dataset.Threshold)...)
	}},
	// Adaptive context mixing (SPEC.md section 3.6), each version of its
	// arithmetic, with the model embedded: a small model primed on 8-bit
	// MNIST cut to 14x14 records.
	{"cmix-v1", "", func(t testing.TB) Model { return cmixModel(t, 1) }, []WOption{WithEmbeddedModel(true), WithChunkRecords(8), WithLanes(2)}, func(t testing.TB) []byte {
		return mnistCrops(t, 400, 424)
	}},
	{"cmix-v2", "", func(t testing.TB) Model { return cmixModel(t, 2) }, []WOption{WithEmbeddedModel(true), WithChunkRecords(8), WithLanes(2)}, func(t testing.TB) []byte {
		return mnistCrops(t, 424, 448)
	}},
	{"cmix-v3", "", func(t testing.TB) Model { return cmixModel(t, 3) }, []WOption{WithEmbeddedModel(true), WithChunkRecords(8), WithLanes(2)}, func(t testing.TB) []byte {
		return mnistCrops(t, 448, 472)
	}},
	{"cmix-v4", "", func(t testing.TB) Model { return cmixModel(t, 4) }, []WOption{WithEmbeddedModel(true), WithChunkRecords(8), WithLanes(2)}, func(t testing.TB) []byte {
		return mnistCrops(t, 472, 496)
	}},
	// The built-in cmix model of 8-bit records (levels 17 to 19), two
	// chunks so that one starts from the primed state after another
	// adapted.
	{"8bit-cmix", "mnist-cmix", nil, []WOption{WithChunkRecords(3), WithLanes(1)}, func(t testing.TB) []byte {
		d := mnistSlice(t, 448, 454, dataset.None)
		return append(d, 4, 3) // and a tail
	}},
}

func goldenPath(name string) string { return filepath.Join("testdata", "golden", name+".bbans") }

// goldenSums reads testdata/golden/SHA256SUMS: "hex  name" per line, the
// SHA-256 of each archive's decoded content.
func goldenSums(t *testing.T) map[string]string {
	b, err := os.ReadFile(filepath.Join("testdata", "golden", "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 {
			sums[f[1]] = f[0]
		}
	}
	return sums
}

func TestGolden(t *testing.T) {
	if *update {
		writeGolden(t)
	}
	sums := goldenSums(t)
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			archive, err := os.ReadFile(goldenPath(c.name))
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeAll(archive, nil)
			if err != nil {
				t.Fatalf("golden archive no longer decodes: %v", err)
			}
			sum := sha256.Sum256(got)
			if hex.EncodeToString(sum[:]) != sums[c.name+".bbans"] {
				t.Fatalf("golden archive decodes to different content (sha256 %x)", sum)
			}
			again, err := EncodeAll(got, nil, c.options(t)...)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, archive) {
				t.Fatalf("re-encoding the content gives different bytes (%d vs %d)", len(again), len(archive))
			}
		})
	}
}

// writeGolden writes the archives of the cases that have none and their
// sums; an archive written once is never rewritten.
func writeGolden(t *testing.T) {
	sums := goldenSums(t)
	var out strings.Builder
	for _, c := range goldenCases {
		name := c.name + ".bbans"
		if _, err := os.Stat(goldenPath(c.name)); err == nil {
			fmt.Fprintf(&out, "%s  %s\n", sums[name], name)
			continue
		}
		data := c.data(t)
		a, err := EncodeAll(data, nil, c.options(t)...)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPath(c.name), a, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(&out, "%x  %s\n", sum, name)
	}
	if err := os.WriteFile(filepath.Join("testdata", "golden", "SHA256SUMS"), []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// mnistCrops returns the top-left 14x14 crops of 8-bit MNIST test images
// lo..hi.
func mnistCrops(t testing.TB, lo, hi int) []byte {
	d := mnistSlice(t, lo, hi, dataset.None)
	var out []byte
	for r := 0; r < hi-lo; r++ {
		for y := 7; y < 21; y++ {
			out = append(out, d[r*784+y*28+7:r*784+y*28+21]...)
		}
	}
	return out
}

// cmixModel is a cmix model of the given version for 14x14 records of all
// 256 levels, primed on crops of 8-bit MNIST test images 0..40.
func cmixModel(t testing.TB, version int) Model {
	levels := make([]byte, 256)
	for i := range levels {
		levels[i] = byte(i)
	}
	p := cmix.DefaultParams(14, 14, 1, levels)
	p.Version, p.TableBits = version, 12
	cm, err := cmix.New(p)
	if err != nil {
		t.Fatal(err)
	}
	cm.Prime(mnistCrops(t, 0, 40), 1, nil)
	m, err := vae.NewCMix(cm, fmt.Sprintf("golden cmix version %d", version))
	if err != nil {
		t.Fatal(err)
	}
	return FromVAE(m)
}
