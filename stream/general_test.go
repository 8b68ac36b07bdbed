package stream

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bbans/bbans/format"
	"github.com/bbans/bbans/vae/dataset"
)

// pseudoText returns n bytes of deterministic English-like text: words of
// a small vocabulary in lines, which a general-purpose codec shrinks to
// about a third and an image model cannot code well.
func pseudoText(n int, seed uint64) []byte {
	words := strings.Fields("the a of to and in is that for it with as was on be by this are or from at which an have not but we they all one their can has more if will each when there so no what out up into any about only other new some could time these two may then do first than its most over such our after also made many before where how well must through back years much great between same under last long")
	r := rand.New(rand.NewPCG(seed, 7))
	var b bytes.Buffer
	for b.Len() < n {
		line := 3 + r.IntN(12)
		for i := range line {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		b.WriteString(".\n")
	}
	return b.Bytes()[:n]
}

// mixedContent is records threshold-binarized MNIST test images from lo,
// then text bytes of text, then as many images again.
func mixedContent(t testing.TB, lo, records, text int) []byte {
	d := mnistSlice(t, lo, lo+records, dataset.Threshold)
	d = append(d, pseudoText(text, uint64(lo))...)
	return append(d, mnistSlice(t, lo+records, lo+2*records, dataset.Threshold)...)
}

// dataFrameTypes lists the data frames of an archive, in order.
func dataFrameTypes(t testing.TB, a []byte) []format.FrameType {
	t.Helper()
	r := format.NewReader(bytes.NewReader(a), format.Limits{})
	if _, err := r.ReadHeader(); err != nil {
		t.Fatal(err)
	}
	var ts []format.FrameType
	for {
		f, err := r.Next()
		if err != nil {
			break
		}
		if f.Type.IsData() {
			ts = append(ts, f.Type)
		}
	}
	return ts
}

// TestMixedFrameTypes writes an IDX file of 8-bit MNIST images (binarized
// with -short), then about
// 1 MB of text (a whole number of records, so the images after it stay
// aligned), then more images, with no model given: the images must go to
// the model (chunk frames), the text to the general codec, and everything
// must round-trip.
func TestMixedFrameTypes(t *testing.T) {
	n1, n2, images := 2000, 1000, dataset.None
	if testing.Short() {
		// The binarized model is about seven times faster.
		n1, images = 1000, dataset.Threshold
	}
	hdr := []byte{0, 0, 8, 3, 0, 0, byte(n1 >> 8), byte(n1), 0, 0, 0, 28, 0, 0, 0, 28}
	data := append(hdr, mnistSlice(t, 0, n1, images)...)
	text := pseudoText(1276*784, 1)
	data = append(data, text...)
	data = append(data, mnistSlice(t, n1, n1+n2, images)...)
	a, err := EncodeAll(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeAll(a, nil)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("round trip: %v (equal %v)", err, bytes.Equal(got, data))
	}
	// Chunks of 1000 records after the 16-byte raw header: which frame
	// holds record i is known, and so what it must be.
	ts := dataFrameTypes(t, a)
	if len(ts) == 0 || ts[0] != format.Raw {
		t.Fatalf("frames %v, want the IDX header first", ts)
	}
	ts = ts[1:]
	chunk := DefaultChunkRecords
	textLo, textHi := n1, n1+1276
	for i, ft := range ts {
		lo, hi := i*chunk, min((i+1)*chunk, n1+1276+n2)
		switch {
		case hi <= textLo || lo >= textHi: // images only
			if ft != format.Chunk {
				t.Errorf("frame %d (records %d..%d, images) is %v, want chunk", i, lo, hi, ft)
			}
		case lo >= textLo && hi <= textHi: // text only
			if !ft.IsGeneral() {
				t.Errorf("frame %d (records %d..%d, text) is %v, want a general codec", i, lo, hi, ft)
			}
		}
	}
	t.Logf("%d bytes -> %d; frames %v", len(data), len(a), ts)
}

// countingModel counts the coders made for it: one for the gate's samples,
// one more per worker that codes a chunk with it.
type countingModel struct {
	Model
	coders atomic.Int32
}

func (m *countingModel) NewCoder(lanes int) Coder {
	m.coders.Add(1)
	return m.Model.NewCoder(lanes)
}

// TestRandomSkipsModel writes random bytes with the 8-bit model: the gate's
// first sample finds the model does not fit, so no chunk runs through the
// networks (only the sampler's coder is made), every chunk is stored, and
// the archive grows by at most 0.1% + 64 bytes.
func TestRandomSkipsModel(t *testing.T) {
	m8, err := Lookup("mnist-cm")
	if err != nil {
		t.Fatal(err)
	}
	cm := &countingModel{Model: m8}
	data := randomBytes(10*64*784+5, 9)
	a, err := EncodeAll(data, nil, WithModel(cm), WithChunkRecords(64))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := DecodeAll(a, nil, WithModels(cm)); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("round trip: %v", err)
	}
	if n := cm.coders.Load(); n != 1 {
		t.Errorf("%d coders made for random input, want 1 (the gate's sampler)", n)
	}
	for i, ft := range dataFrameTypes(t, a) {
		if ft != format.Stored && ft != format.Tail {
			t.Errorf("frame %d of random input is %v", i, ft)
		}
	}
	if limit := len(data) + len(data)/1000 + 64; len(a) > limit {
		t.Errorf("%d random bytes grew to %d (limit %d)", len(data), len(a), limit)
	}
}

// TestLevelsText codes text at every level: each level's general codec
// must code it (Zstd up to 11, Brotli from 12), higher levels no larger
// than level 1, and every archive must round-trip.
func TestLevelsText(t *testing.T) {
	text := pseudoText(50_000, 3)
	var first int
	for n := MinLevel; n <= MaxLevel; n++ {
		a, err := EncodeAll(text, nil, WithEncoderLevel(n))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := DecodeAll(a, nil); err != nil || !bytes.Equal(got, text) {
			t.Fatalf("level %d: round trip: %v", n, err)
		}
		want := format.Zstd
		if n >= 12 {
			want = format.Brotli
		}
		for _, ft := range dataFrameTypes(t, a) {
			if ft != want && ft != format.Tail {
				t.Errorf("level %d (%s): a %v frame, want %v", n, LevelInfo(n), ft, want)
			}
		}
		if n == MinLevel {
			first = len(a)
		} else if len(a) > first {
			t.Errorf("level %d: %d bytes, more than level 1's %d", n, len(a), first)
		}
		if len(a) > len(text)/2 {
			t.Errorf("level %d: text coded to %d of %d bytes", n, len(a), len(text))
		}
	}
	for _, bad := range []int{0, 20, -1} {
		if _, err := NewWriter(nil, WithEncoderLevel(bad)); err == nil {
			t.Errorf("level %d accepted", bad)
		}
	}
}

// TestGeneralPayloadBounds checks that decodeGeneral refuses, before it
// decodes, payloads whose headers claim another length or a larger window
// than the frame needs, and payloads that decode to more or fewer bytes.
func TestGeneralPayloadBounds(t *testing.T) {
	var ge generalEncoder
	text := pseudoText(5000, 4)
	for _, g := range []general{{typ: format.Zstd, zstd: probe.zstd}, levelOf(DefaultLevel).general} {
		p := bytes.Clone(ge.encode(&ge.gbuf, g, text))
		out := make([]byte, len(text))
		if err := decodeGeneral(g.typ, out, p); err != nil || !bytes.Equal(out, text) {
			t.Fatalf("%v: %v", g, err)
		}
		if err := decodeGeneral(g.typ, make([]byte, len(text)-1), p); err == nil {
			t.Errorf("%v: payload decoded into one byte less", g)
		}
		if err := decodeGeneral(g.typ, make([]byte, len(text)+1), p); err == nil {
			t.Errorf("%v: payload decoded into one byte more", g)
		}
		if err := decodeGeneral(g.typ, out, p[:len(p)/2]); err == nil {
			t.Errorf("%v: half a payload decoded", g)
		}
		if err := decodeGeneral(g.typ, out, append(bytes.Clone(p), 0)); err == nil {
			t.Errorf("%v: payload with a trailing byte decoded", g)
		}
	}
	// A Brotli stream whose window is larger than its content needs is
	// refused before decoding: its ring buffer could be 2^24 bytes.
	big := ge.encode(&ge.gbuf, general{typ: format.Brotli, brotli: 5}, pseudoText(1<<20, 5))
	err := decodeGeneral(format.Brotli, make([]byte, 1000), big)
	if err == nil || !strings.Contains(err.Error(), "window") {
		t.Errorf("brotli stream with a 2^21 window for 1000 bytes: %v", err)
	}
	if err := decodeGeneral(format.Raw, nil, nil); err == nil {
		t.Errorf("raw frame accepted as a general codec")
	}
}
