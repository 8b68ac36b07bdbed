package cmix

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// synth returns n records of shape w×h×c whose bytes are among levels:
// blobs on a background, so that neighbours predict each other.
func synth(n, w, h, c int, levels []byte, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([]byte, 0, n*w*h*c)
	L := len(levels)
	for k := 0; k < n; k++ {
		cx, cy := r.IntN(w), r.IntN(h)
		rad := 1 + r.IntN(max(w, h)/2+1)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				d := (x-cx)*(x-cx) + (y-cy)*(y-cy)
				for ch := 0; ch < c; ch++ {
					v := 0
					if d <= rad*rad {
						v = L - 1 - (d*(L-1))/(rad*rad+1) - ch
						if r.IntN(4) == 0 {
							v += r.IntN(3) - 1
						}
					}
					out = append(out, levels[clampTo(v, L-1)])
				}
			}
		}
	}
	return out
}

func levelsOf(n int) []byte {
	l := make([]byte, n)
	for i := range l {
		l[i] = byte(i * 255 / (n - 1))
	}
	return l
}

// replay is a BitDecoder that hands back an encoder's decisions and
// checks that the decoder asks with the same probabilities.
type replay struct {
	t   testing.TB
	dec []uint32
	i   int
}

// decisions packs an encoder's decisions as p<<1 | bit.
func decisions(bits []byte, probs []uint16) []uint32 {
	d := make([]uint32, len(bits))
	for i := range bits {
		d[i] = uint32(probs[i])<<1 | uint32(bits[i])
	}
	return d
}

func encode(c *Coder, rec []byte) []uint32 { return decisions(c.Encode(rec, nil, nil)) }

func (r *replay) DecodeBit(p uint16) uint8 {
	if r.i >= len(r.dec) {
		r.t.Fatalf("decoder asks for decision %d of %d", r.i, len(r.dec))
	}
	d := r.dec[r.i]
	r.i++
	if uint16(d>>1) != p {
		r.t.Fatalf("decision %d: decoder's P(1) %d, encoder's %d", r.i-1, p, d>>1)
	}
	return uint8(d & 1)
}

func newPrimed(t testing.TB, w, h, c int, levels []byte, tbits uint, train []byte) *Model {
	return newPrimedV(t, LatestVersion, w, h, c, levels, tbits, train)
}

func newPrimedV(t testing.TB, version, w, h, c int, levels []byte, tbits uint, train []byte) *Model {
	p := DefaultParams(w, h, c, levels)
	p.Version, p.TableBits = version, tbits
	m, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	m.Prime(train, 1, nil)
	return m
}

func TestSquash(t *testing.T) {
	if got := squash(0); got != 1<<15 {
		t.Errorf("squash(0) = %d, want 32768", got)
	}
	for d := int32(-logitMax); d < logitMax; d++ {
		if squash(d) > squash(d+1) {
			t.Fatalf("squash decreases at %d", d)
		}
		if squash(d)+squash(-d) != probOne && squash(d) > 1 && squash(-d) > 1 {
			t.Fatalf("squash(%d)+squash(%d) = %d", d, -d, squash(d)+squash(-d))
		}
	}
	if squash(-logitMax) != 1 || squash(logitMax) != probOne-1 {
		t.Errorf("squash ends %d, %d", squash(-logitMax), squash(logitMax))
	}
	// sigmoid(1) = 0.7310585786: 2^16 of it is 47910.6.
	if got := squash(128); got != 47911 {
		t.Errorf("squash(128) = %d, want 47911", got)
	}
	for d := int32(-1000); d <= 1000; d += 50 {
		if s := stretch(uint32(squash(d))); s < d-20 || s > d+20 {
			t.Errorf("stretch(squash(%d)) = %d", d, s)
		}
	}
}

// TestRoundTrip codes records of several shapes and alphabets with
// adaptation on and decodes them with a second coder.
func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name    string
		w, h, c int
		levels  int
	}{
		{"binary", 12, 10, 1, 2},
		{"17 levels 8x8", 8, 8, 1, 17},
		{"256 levels", 16, 9, 1, 256},
		{"colour", 7, 6, 3, 64},
		{"1x1", 1, 1, 1, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lv := levelsOf(tc.levels)
			m := newPrimed(t, tc.w, tc.h, tc.c, lv, 14, synth(50, tc.w, tc.h, tc.c, lv, 1))
			test := synth(30, tc.w, tc.h, tc.c, lv, 2)
			size := tc.w * tc.h * tc.c
			enc, dec := m.NewCoder(), m.NewCoder()
			got := make([]byte, size)
			for off := 0; off < len(test); off += size {
				rec := test[off : off+size]
				if !m.Codable(rec) {
					t.Fatal("synthetic record not codable")
				}
				r := &replay{t: t, dec: encode(enc, rec)}
				dec.Decode(got, r)
				if r.i != len(r.dec) {
					t.Fatalf("decoder used %d of %d decisions", r.i, len(r.dec))
				}
				if !bytes.Equal(got, rec) {
					t.Fatalf("record at %d decodes differently", off)
				}
			}
		})
	}
}

func encodeAll(c *Coder, data []byte, size int) []uint32 {
	var bits []byte
	var probs []uint16
	for off := 0; off+size <= len(data); off += size {
		bits, probs = c.Encode(data[off:off+size], bits, probs)
	}
	return decisions(bits, probs)
}

// TestAdaptAndReset checks that a coder learns (the same record costs less
// the second time), that Reset forgets, and that a coder with adaptation
// off codes with the primed state only.
func TestAdaptAndReset(t *testing.T) {
	lv := levelsOf(256)
	m := newPrimed(t, 10, 10, 1, lv, 14, synth(20, 10, 10, 1, lv, 3))
	rec := synth(1, 10, 10, 1, lv, 4)
	c := m.NewCoder()
	first := cost(encode(c, rec))
	second := cost(encode(c, rec))
	if !(second < first) {
		t.Errorf("second coding of a record costs %.2f bits, first %.2f: no adaptation", second, first)
	}
	c.Reset()
	if again := cost(encode(c, rec)); again != first {
		t.Errorf("after Reset a record costs %.2f bits, first time %.2f", again, first)
	}
	c.Reset()
	c.SetAdapt(false)
	// Within a record an adapting coder learns from its first decisions
	// already, so the frozen cost differs from the first adapting one.
	a, b := cost(encode(c, rec)), cost(encode(c, rec))
	if a != b || a == first {
		t.Errorf("without adaptation: %.2f then %.2f bits (adapting: %.2f)", a, b, first)
	}
}

func cost(dec []uint32) float64 {
	s := 0.0
	for _, d := range dec {
		p := float64(d>>1) / 65536
		if d&1 == 0 {
			p = 1 - p
		}
		s -= math.Log2(p)
	}
	return s
}

// TestPrimingHelps checks that a primed model codes records like its
// training records in fewer bits than an unprimed one, and fewer than 8
// bits a byte.
func TestPrimingHelps(t *testing.T) {
	lv := levelsOf(256)
	p := DefaultParams(12, 12, 1, lv)
	p.TableBits = 16
	fresh, _ := New(p)
	primed := newPrimed(t, 12, 12, 1, lv, 16, synth(300, 12, 12, 1, lv, 5))
	test := synth(20, 12, 12, 1, lv, 6)
	cf := cost(encodeAll(fresh.NewCoder(), test, 144))
	cp := cost(encodeAll(primed.NewCoder(), test, 144))
	if !(cp < cf && cp < 8*float64(len(test))) {
		t.Errorf("primed %.0f bits, unprimed %.0f, stored %d", cp, cf, 8*len(test))
	}
}

// TestDigest pins the probabilities a primed version 1 model gives, so
// that every platform and build (noasm, arm64) is checked to compute the
// same ones, and that version 1 keeps its arithmetic.
func TestDigest(t *testing.T) {
	lv := levelsOf(40)
	m := newPrimedV(t, 1, 9, 7, 2, lv, 12, synth(40, 9, 7, 2, lv, 8))
	dec := encodeAll(m.NewCoder(), synth(10, 9, 7, 2, lv, 9), 9*7*2)
	h := sha256.New()
	for _, d := range dec {
		binary.Write(h, binary.LittleEndian, d)
	}
	const want = "de548ce9f634d3fc2afde27540ea6cdd34295def5d4ddb0848ee551fef68fb5f"
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		t.Errorf("digest of the decisions %s, want %s", got, want)
	}
}

// TestDigest2 pins version 2's probabilities as TestDigest does version
// 1's, on a model of colour records (every context of a later channel).
func TestDigest2(t *testing.T) {
	lv := levelsOf(200)
	m := newPrimedV(t, 2, 9, 7, 3, lv, 12, synth(40, 9, 7, 3, lv, 8))
	dec := encodeAll(m.NewCoder(), synth(10, 9, 7, 3, lv, 9), 9*7*3)
	h := sha256.New()
	for _, d := range dec {
		binary.Write(h, binary.LittleEndian, d)
	}
	const want = "c2e2f3a77773ac7fe04bc7b6b460133ca056cee9bf7ce1c049a06f5ca097a0c1"
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		t.Errorf("digest of the decisions %s, want %s", got, want)
	}
}

// TestDigest3 pins version 3's probabilities as TestDigest2 does version
// 2's (colour records: the predictors of a later channel, the mixers
// selected by channel).
func TestDigest3(t *testing.T) {
	lv := levelsOf(200)
	m := newPrimedV(t, 3, 9, 7, 3, lv, 12, synth(40, 9, 7, 3, lv, 8))
	dec := encodeAll(m.NewCoder(), synth(10, 9, 7, 3, lv, 9), 9*7*3)
	h := sha256.New()
	for _, d := range dec {
		binary.Write(h, binary.LittleEndian, d)
	}
	const want = "6c4a15e187ba3144cffb4e2120b8e4a3a4edc46ab41a1979d748b9183ae6620e"
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		t.Errorf("digest of the decisions %s, want %s", got, want)
	}
}

// TestDigest4 pins version 4's probabilities as TestDigest3 does version
// 3's (colour records: the least-squares predictors of every channel).
func TestDigest4(t *testing.T) {
	lv := levelsOf(200)
	m := newPrimedV(t, 4, 9, 7, 3, lv, 12, synth(40, 9, 7, 3, lv, 8))
	dec := encodeAll(m.NewCoder(), synth(10, 9, 7, 3, lv, 9), 9*7*3)
	h := sha256.New()
	for _, d := range dec {
		binary.Write(h, binary.LittleEndian, d)
	}
	const want = "e84fc879f1cfcf3e25948a0118f5b3a58e490908c3baf2ea39bbd170f7e0f016"
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		t.Errorf("digest of the decisions %s, want %s", got, want)
	}
}

// TestStateSize checks the size of the weights and maps that SPEC.md
// section 3.6 gives.
func TestStateSize(t *testing.T) {
	if n := layout1.fixedBytes(1); n != 1383936 {
		t.Errorf("version 1: weights and maps of %d bytes; SPEC.md says 1,383,936", n)
	}
	if n := layout2.fixedBytes(1); n != 4*81*(256+576+576+1152)+4*256*5+2*33*(2048+16384+16384) {
		t.Errorf("version 2: weights and maps of %d bytes", n)
	}
	for c := 1; c <= 3; c++ {
		if n := layout3.fixedBytes(c); n != 4*121*(1024+576+576+4608)+4*256*5+2*33*(2048+16384+16384)+4*96*9*512*c {
			t.Errorf("version 3, %d channels: weights, maps and direct maps of %d bytes", c, n)
		}
		if n := layout4.fixedBytes(c); n != 4*123*(1024+576+576+4608+576+2304)+4*256*7+2*33*(2048+4*16384)+4*98*9*512*c {
			t.Errorf("version 4, %d channels: weights, maps and direct maps of %d bytes", c, n)
		}
	}
}

// TestCoderBytes checks that CoderBytes covers what NewCoder allocates and
// not much more (a caller refuses untrusted models by it).
func TestCoderBytes(t *testing.T) {
	for v := 1; v <= LatestVersion; v++ {
		lv := levelsOf(17)
		m := newPrimedV(t, v, 9, 7, 3, lv, 16, synth(20, 9, 7, 3, lv, 1))
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		c := m.NewCoder()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(c)
		got, want := int64(after.TotalAlloc-before.TotalAlloc), m.CoderBytes()
		if got > want || got < want*9/10 {
			t.Errorf("version %d: NewCoder allocated %d bytes, CoderBytes says %d", v, got, want)
		}
	}
}

func TestFileRoundTrip(t *testing.T) {
	for v := 1; v <= LatestVersion; v++ {
		t.Run(fmt.Sprint("version ", v), func(t *testing.T) { fileRoundTrip(t, v) })
	}
}

func fileRoundTrip(t *testing.T, version int) {
	lv := []byte{0, 3, 9, 200}
	m := newPrimedV(t, version, 6, 5, 1, lv, 12, synth(40, 6, 5, 1, lv, 10))
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	m2, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if m2.p.Version != version {
		t.Fatalf("version %d read back as %d", version, m2.p.Version)
	}
	test := synth(10, 6, 5, 1, lv, 11)
	d1, d2 := encodeAll(m.NewCoder(), test, 30), encodeAll(m2.NewCoder(), test, 30)
	if len(d1) != len(d2) {
		t.Fatalf("%d and %d decisions", len(d1), len(d2))
	}
	for i := range d1 {
		if d1[i] != d2[i] {
			t.Fatalf("decision %d differs after the model's bytes round trip", i)
		}
	}
	for n := 0; n < len(b); n++ {
		if _, err := Unmarshal(b[:n]); !errors.Is(err, ErrFormat) {
			t.Fatalf("model cut to %d bytes: error %v, want ErrFormat", n, err)
		}
	}
}

func TestParams(t *testing.T) {
	good := DefaultParams(28, 28, 1, levelsOf(256))
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(p *Params){
		"no width":       func(p *Params) { p.W = 0 },
		"5 channels":     func(p *Params) { p.C = 5 },
		"one level":      func(p *Params) { p.Levels = []byte{7} },
		"unsorted":       func(p *Params) { p.Levels = []byte{1, 0} },
		"huge table":     func(p *Params) { p.TableBits = 30 },
		"zero limit":     func(p *Params) { p.Limit = 0 },
		"zero mix rate":  func(p *Params) { p.MixRate = 0 },
		"too big record": func(p *Params) { p.W, p.H, p.C = 4096, 4096, 4 },
	} {
		p := good
		f(&p)
		if err := p.Validate(); !errors.Is(err, ErrParams) {
			t.Errorf("%s: %v, want ErrParams", name, err)
		}
	}
}

// FuzzUnmarshal checks that any bytes give a model or an error of this
// package, and that a small model that loads codes a record. Every model
// carries 1.4 MB (version 1) or 3.1 MB (version 2) of weights and maps, so
// an input that gets as far as its state costs milliseconds: the seeds are
// the smallest files of each version (an unprimed model, whose state zstd
// shrinks to a few hundred bytes, and one primed on a single record), so
// that most mutations fail within the header or the zstd frame and the
// fuzzer gets through many of them.
func FuzzUnmarshal(f *testing.F) {
	lv := []byte{0, 1}
	for _, v := range []int{1, 2, LatestVersion} {
		for _, train := range [][]byte{nil, {0, 1, 1, 0}} {
			m := newPrimedV(f, v, 2, 2, 1, lv, MinTableBits, train)
			b, err := m.MarshalBinary()
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
			f.Add(b[:len(b)/2])
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Unmarshal(b)
		if err != nil {
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrParams) {
				t.Fatalf("error %v is not ErrFormat", err)
			}
			return
		}
		if m.p.RecordSize() <= 256 {
			rec := make([]byte, m.p.RecordSize())
			for i := range rec {
				rec[i] = m.p.Levels[i%len(m.p.Levels)]
			}
			m.NewCoder().Encode(rec, nil, nil)
		}
	})
}
