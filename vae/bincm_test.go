package vae

import (
	"math"
	"testing"

	"github.com/bbans/bbans/vae/dataset"
)

// TestBinCMContexts walks random binary images with bcmCursor and checks
// every pixel's contexts against their definitions: the 20 neighbours of
// c3 read one by one (0 outside the image), c2's 16 within them, and the
// BernoulliAR context of arContext.
func TestBinCMContexts(t *testing.T) {
	g := dataset.SplitMix64{State: 3}
	for _, w := range []int{28, 5, bcmMaxWidth} {
		h := 9
		rec := make([]byte, w*h)
		for i := range rec {
			if g.Next()%3 == 0 {
				rec[i] = 1
			}
		}
		px := func(x, y int) uint32 {
			if x < 0 || x >= w || y < 0 {
				return 0
			}
			return uint32(rec[y*w+x])
		}
		var k bcmCursor
		for y := range h {
			k.startRow()
			for x := range w {
				var c3 uint32
				bit := 0
				for _, o := range [][3]int{{0, -3, -1}, {-1, -3, 3}, {-2, -3, 3}, {-3, -1, 1}} {
					for dx := o[1]; dx <= o[2]; dx++ {
						c3 |= px(x+dx, y+o[0]) << bit
						bit++
					}
				}
				c2 := c3&1023 | px(x-2, y-2)<<10 | px(x-1, y-2)<<11 | px(x, y-2)<<12 | px(x+1, y-2)<<13 | px(x+2, y-2)<<14 | px(x, y-3)<<15
				if k.c3 != c3 || bcmC2(k.c3) != c2 || bcmARCtx(k.c3) != arContext(rec, w, x, y) {
					t.Fatalf("width %d pixel (%d,%d): c3 %#x c2 %#x ar %#x, want %#x %#x %#x",
						w, x, y, k.c3, bcmC2(k.c3), bcmARCtx(k.c3), c3, c2, arContext(rec, w, x, y))
				}
				k.next(x, rec[y*w+x])
			}
		}
	}
}

// TestILog2Q8 checks the integer logarithm against exact powers and its
// monotonicity.
func TestILog2Q8(t *testing.T) {
	for n := range 32 {
		if got := ilog2Q8(1 << n); got != int32(n)<<8 {
			t.Fatalf("ilog2Q8(2^%d) = %d", n, got)
		}
	}
	if got := ilog2Q8(3); got != 405 { // 256·log2 3 = 405.75
		t.Errorf("ilog2Q8(3) = %d, want 405", got)
	}
	for v := uint32(1); v < 1<<16; v++ {
		if ilog2Q8(v+1) < ilog2Q8(v) {
			t.Fatalf("ilog2Q8 decreases at %d", v)
		}
	}
}

// smallBinCM builds a bernoulli-cm model on mnist-bin-ar's nets from 300
// training images, once per count limit (fresh builds a new one).
func smallBinCM(t *testing.T, limit uint32, fresh bool) *Model {
	t.Helper()
	if m, ok := smallBinCMs[limit]; ok && !fresh {
		return m
	}
	base, err := Builtin("mnist-bin-ar")
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultBinCMConfig
	cfg.Holdout, cfg.Chunk, cfg.Limit, cfg.Epochs = 60, 30, limit, 1
	m, err := BuildBinCM(base, mnistOrSkip(t, "train").Slice(0, 300), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !fresh {
		smallBinCMs[limit] = m
	}
	return m
}

var smallBinCMs = map[uint32]*Model{}

// TestBuildBinCM builds a small model (twice without -short: the same
// file, integers only), reads its file back (the same section), and
// checks that it adapts: with a count limit the second copy of a record in
// a chunk costs less than the first (in the same regime), with limit 0
// exactly as much.
func TestBuildBinCM(t *testing.T) {
	m := smallBinCM(t, 255, false)
	if !testing.Short() {
		if again := smallBinCM(t, 255, true); again.Hash() != m.Hash() {
			t.Fatal("two builds from the same images differ")
		}
	}
	p, err := ParseModel(m.File())
	if err != nil {
		t.Fatal(err)
	}
	if string(p.Lik.AppendSection(nil)) != string(m.Lik.AppendSection(nil)) {
		t.Fatal("the section read back differs")
	}
	d, _ := dataset.Binarize(mnistOrSkip(t, "test").Slice(0, 1), dataset.Threshold)
	base, err := Builtin("mnist-bin-ar")
	if err != nil {
		t.Fatal(err)
	}
	idx := base.sampleLogits(d, 1)
	out := make([]int32, len(idx))
	for i, v := range idx {
		out[i] = int32(v)
	}
	off := *p.Lik.(*bcmTablesT).m
	off.limit = 0
	for _, tab := range []*bcmTablesT{p.Lik.(*bcmTablesT), {m: &off}} {
		c := tab.NewCoder(&p.Arch, 1)
		c.(ChunkStarter).ChunkStart(nil)
		c.SetParams(0, out)
		var cost [2]float64
		for k := range cost {
			c.(*bcmCoder).s.score = 0 // the same regime both times
			c.Cost(0, d.Record(0), func(freq uint32, prec uint) { cost[k] += float64(prec) - math.Log2(float64(freq)) })
		}
		limit := tab.m.limit
		if limit > 0 && cost[1] >= cost[0] || limit == 0 && cost[1] != cost[0] {
			t.Errorf("count limit %d: the record costs %.2f bits, then %.2f", limit, cost[0], cost[1])
		}
		t.Logf("count limit %d: %.2f then %.2f bits", limit, cost[0], cost[1])
	}
}

// TestBinCMBadSection cuts a model file short at points within its
// section: each must be an error, not a panic.
func TestBinCMBadSection(t *testing.T) {
	m := smallBinCM(t, 255, false)
	f := m.File()
	for _, cut := range []int{len(f) - 40, len(f) - 1000, len(f) / 2, len(f) / 3} {
		if _, err := ParseModel(f[:cut]); err == nil {
			t.Errorf("a file cut at %d of %d parsed", cut, len(f))
		}
	}
}
