package vae

import (
	"bytes"
	"math"
	"sort"
	"sync"
	"testing"

	"github.com/bbans/bbans/vae/dataset"

	"github.com/bbans/bbans/ans"
)

var tinyCMOnce struct {
	sync.Once
	m   *Model
	err error
}

// tinyCM builds (once per test binary) a context-mix model on 300 MNIST
// training images with mnist-bin-ar's nets.
func tinyCM(t testing.TB) *Model {
	t.Helper()
	train := mnistOrSkip(t, "train")
	tinyCMOnce.Do(func() {
		base, err := Builtin("mnist-bin-ar")
		if err != nil {
			tinyCMOnce.err = err
			return
		}
		cfg := CMConfig{Alpha: 8, MinCount: 2, Epochs: 1, LR: 0.002, Seed: 3, Description: "tiny context-mix test model"}
		tinyCMOnce.m, tinyCMOnce.err = BuildContextMix(base, train.Slice(0, 300), cfg)
	})
	if tinyCMOnce.err != nil {
		t.Fatal(tinyCMOnce.err)
	}
	return tinyCMOnce.m
}

// TestCMCostIsExact codes test images one at a time and checks that each
// costs what the model's probabilities say (posterior and decisions),
// that decoding restores them, and that the fitted tables and weights do
// better than the decoder alone would.
func TestCMCostIsExact(t *testing.T) {
	m := tinyCM(t)
	d := testImages(t, m, 20)
	coder := m.NewCoder(1)
	msg := seededMessage(20000)
	lat := [][]int32{make([]int32, m.LatentSize())}
	w := newWorker(m, 1)
	for i := range d.Len() {
		rec := d.Record(i)
		b0 := msg.Bits()
		ans.Encode(msg, coder, [][]byte{rec}, lat)
		got := msg.Bits() - b0
		want := latentBits(m, w, rec, lat[0]) + likBits(w, rec)
		if math.Abs(got-want) > 1 {
			t.Errorf("record %d: coded %.2f bits, exact cost %.2f", i, got, want)
		}
	}
	for i := d.Len() - 1; i >= 0; i-- {
		out := [][]byte{make([]byte, m.RecordSize())}
		ans.Decode(msg, coder, lat, out)
		if !bytes.Equal(out[0], d.Record(i)) {
			t.Fatalf("record %d decoded differently", i)
		}
	}
	c, err := m.NegELBO(d, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tiny context-mix model: %v", c)
	// 300 training images already beat the pixel-independent mnist
	// model's 1.34 bits/dim by a margin.
	if c.BitsPerByte() > 1.3 {
		t.Errorf("tiny context-mix model: %v", c)
	}
}

// TestCMContextsAreCausal checks that a pixel's contexts change with the
// pixels before it and never with those after it.
func TestCMContextsAreCausal(t *testing.T) {
	const w = 28
	g := dataset.SplitMix64{State: 5}
	rec := make([]byte, w*w)
	for range 200 {
		for i := range rec {
			rec[i] = byte(g.Next())
		}
		x, y := int(g.Next()%w), int(g.Next()%w)
		i := y*w + x
		c := cmContexts(rec, w, x, y)
		after := bytes.Clone(rec)
		for j := i; j < len(after); j++ {
			after[j] = byte(g.Next())
		}
		if got := cmContexts(after, w, x, y); got != c {
			t.Fatalf("(%d,%d): contexts read pixels at or after the pixel", x, y)
		}
		for l := 2; l < cmLevels; l++ {
			if c[l]>>cmContextBits[l] != c[l-1] {
				t.Fatalf("(%d,%d): c_%d = %d does not refine c_%d = %d", x, y, l, c[l], l-1, c[l-1])
			}
		}
		if x > 0 && y > 1 && x+2 < w {
			// Every neighbour of the finest context matters.
			for _, o := range [][2]int{{-1, 0}, {0, -1}, {-1, -1}, {1, -1}, {-2, 0}, {0, -2}, {2, -1}, {-1, -2}, {1, -2}} {
				if x+o[0] < 0 {
					continue
				}
				mod := bytes.Clone(rec)
				j := (y+o[1])*w + x + o[0]
				mod[j] = byte(int(mod[j]) + 128)
				if cmLevel[mod[j]] != cmLevel[rec[j]] && cmContexts(mod, w, x, y)[4] == c[4] {
					t.Fatalf("(%d,%d): neighbour %v does not change c_4", x, y, o)
				}
			}
		}
	}
}

// TestCMScratchContexts checks the coder's padded-buffer contexts against
// cmContexts on random images of several shapes.
func TestCMScratchContexts(t *testing.T) {
	g := dataset.SplitMix64{State: 6}
	for _, R := range []int{784, 1, 2, 3, 9, 10, 100} {
		w := dataset.LegacyShape(R).W
		sc := newCMScratch(R, w)
		rec := make([]byte, R)
		for range 20 {
			for i := range rec {
				rec[i] = byte(g.Next() >> (g.Next() % 8 * 8))
			}
			sc.start(make([]uint16, R))
			for i, v := range rec {
				x, y := i%w, i/w
				c1, c2, c3, c4 := sc.contexts(x, y)
				if want := cmContexts(rec, w, x, y); [cmLevels]uint64{0, c1, c2, c3, c4} != want {
					t.Fatalf("R=%d pixel %d: contexts %v, want %v", R, i, [4]uint64{c1, c2, c3, c4}, want[1:])
				}
				sc.set(i, v)
			}
		}
	}
}

// TestCMTableFind checks the runtime table against a map.
func TestCMTableFind(t *testing.T) {
	g := dataset.SplitMix64{State: 11}
	want := map[uint64]int8{}
	for range 5000 {
		ctx, node := g.Next()%3000, g.Next()%256
		want[ctx<<8|node] = int8(g.Next())
	}
	var es []CMEntry
	for k, b := range want {
		es = append(es, CMEntry{Ctx: k >> 8, Node: uint8(k), B: b})
	}
	sort.Slice(es, func(i, j int) bool {
		return es[i].Ctx<<8|uint64(es[i].Node) < es[j].Ctx<<8|uint64(es[j].Node)
	})
	for _, bits := range []uint{12, 27} { // dense and hashed
		checkCMTable(t, newCMTable(es, bits), want)
		empty := newCMTable(nil, bits)
		for node := range uint(256) {
			if _, ok := empty.get(empty.find(0), node); ok {
				t.Errorf("empty table has node %d", node)
			}
		}
	}
}

func checkCMTable(t *testing.T, tab *cmTable, want map[uint64]int8) {
	for ctx := uint64(0); ctx < 3100; ctx++ {
		ci := tab.find(ctx)
		for node := range uint(256) {
			b, ok := tab.get(ci, node)
			wb, wok := want[ctx<<8|uint64(node)]
			if ok != wok || ok && b != wb {
				t.Fatalf("ctx %d node %d: got %d,%v want %d,%v", ctx, node, b, ok, wb, wok)
			}
		}
	}
}

// TestCMModelFile checks that a context-mix model file reads back to the
// same model and that invalid tables are refused.
func TestCMModelFile(t *testing.T) {
	m := tinyCM(t)
	got, err := ParseModel(m.File())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.appendBody(nil), m.appendBody(nil)) {
		t.Fatalf("model file does not read back to the same model")
	}
	for _, c := range []struct {
		name   string
		break_ func(l *cmLik)
	}{
		{"squash not monotone", func(l *cmLik) { l.squash[100] = l.squash[99] - 1 }},
		{"squash zero", func(l *cmLik) { l.squash[0] = 0 }},
		{"squash short", func(l *cmLik) { l.squash = l.squash[:100] }},
		{"weight too large", func(l *cmLik) { l.weights[7] = cmWeightMax + 1 }},
		{"weights short", func(l *cmLik) { l.weights = l.weights[:10] }},
		{"table 0 short", func(l *cmLik) { l.tables[0] = l.tables[0][:200] }},
		{"context out of range", func(l *cmLik) {
			l.tables[1] = append(l.tables[1], CMEntry{Ctx: 64, Node: 0})
		}},
	} {
		bad := *m
		ml := m.Lik.(*cmLik)
		bl := &cmLik{squash: append([]uint16(nil), ml.squash...), weights: append([]int32(nil), ml.weights...)}
		for l := range bl.tables {
			bl.tables[l] = append([]CMEntry(nil), ml.tables[l]...)
		}
		c.break_(bl)
		bad.Lik = bl
		if err := bad.finish(); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

// BenchmarkCMLikelihood pushes (push), or pushes and pops (pop), the
// likelihood of MNIST test images with mnist-cm, one lane, latents fixed:
// the pixel loop and the decoder net, without the posterior and prior.
func BenchmarkCMLikelihood(b *testing.B) {
	m, err := Builtin("mnist-cm")
	if err != nil {
		b.Fatal(err)
	}
	d := testImages(b, m, 200)
	coder := m.NewCoder(1)
	lat := [][]int32{make([]int32, m.LatentSize())}
	for j := range lat[0] {
		lat[0][j] = int32(m.buckets.Buckets() / 2)
	}
	for _, dir := range []string{"push", "pop"} {
		b.Run(dir, func(b *testing.B) {
			b.SetBytes(int64(len(d.Data)))
			b.ReportAllocs()
			out := [][]byte{make([]byte, m.RecordSize())}
			for b.Loop() {
				msg := ans.NewMessage(1)
				for i := range d.Len() {
					coder.PushLikelihood(msg, lat, [][]byte{d.Record(i)})
				}
				if dir == "pop" {
					for range d.Len() {
						coder.PopLikelihood(msg, lat, out)
					}
				}
			}
		})
	}
}

// TestCMKeysMinimal checks that a key gap written in a longer form than
// needed is refused (a model has exactly one file): the first key of
// table 1, after the squash table, the weights and table 0.
func TestCMKeysMinimal(t *testing.T) {
	m := tinyCM(t)
	body := m.appendBody(nil)
	at := bytes.Index(body, m.Lik.AppendSection(nil)) + 4*4 + 4 + 2*cmSquashLen + 4 + 4*cmWeights + 4 + 2*cmNodes + 4
	if body[at] >= 0x80 {
		t.Fatalf("first key of table 1 is not a one-byte uvarint")
	}
	if _, err := ParseModel(rehash(body)); err != nil {
		t.Fatalf("the unmodified body: %v", err)
	}
	long := append(append(bytes.Clone(body[:at]), body[at]|0x80, 0), body[at+1:]...)
	if _, err := ParseModel(rehash(long)); err == nil {
		t.Errorf("a non-minimal uvarint key is accepted")
	}
}
