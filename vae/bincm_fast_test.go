package vae

import (
	"bytes"
	"slices"
	"testing"

	"github.com/bbans/bbans/ans"
	"github.com/bbans/bbans/vae/dataset"
)

// TestBinCMFastPop codes a chunk of test images with mnist-bin-cm under
// random decoder logits (adaptFast's prepass and probsFast's
// probabilities checked against the references adapt and probs), then pops it twice, with the reference pop and
// with popFast: each record, the message left and the adaptive state
// (counters and regime score) must be the same. It then pops random
// records from a random message both ways, which reaches contexts the
// digits do not.
func TestBinCMFastPop(t *testing.T) {
	m, err := Builtin("mnist-bin-cm")
	if err != nil {
		t.Fatal(err)
	}
	d, _ := dataset.Binarize(mnistOrSkip(t, "test").Slice(0, 24), dataset.Threshold)
	R := m.RecordSize()
	g := dataset.SplitMix64{State: 5}
	order := make([][]byte, d.Len())
	outs := make([][]int32, d.Len())
	for i := range order {
		order[i] = d.Record(i)
		outs[i] = make([]int32, R)
		for j := range outs[i] {
			outs[i][j] = int32(g.Next() % arIdxLen)
		}
	}
	newCoder := func() *bcmCoder {
		c := m.Lik.(*bcmTablesT).NewCoder(&m.Arch, 1).(*bcmCoder)
		c.ChunkStart(nil)
		return c
	}
	enc := newCoder()
	enc.ChunkStart(order) // adaptFast
	ref := newCoder()
	ins := make([]bcmIn, len(order)*R)
	for i, rec := range order {
		if r := ref.s.regime(); r != int(enc.regs[i]) {
			t.Fatalf("record %d: regime %d, the reference %d", i, enc.regs[i], r)
		}
		ref.s.adapt(ref.m, ref.s.regime(), rec, ref.W, ins[i*R:(i+1)*R], ref.m.limit)
	}
	if !slices.Equal(ins, enc.ins) || ref.s.score != enc.s.score || *ref.s.t3[0] != *enc.s.t3[0] || *ref.s.t2[1] != *enc.s.t2[1] {
		t.Fatal("adaptFast gives other inputs, score or counters than adapt")
	}
	msg := ans.NewMessage(1)
	pr := make([]uint16, R)
	for i := len(order) - 1; i >= 0; i-- {
		enc.SetParams(0, outs[i])
		ins, reg := enc.ins[i*R:(i+1)*R], int(enc.regs[i])
		enc.m.probs(enc.pr, reg, enc.idx[:R], enc.slotU(0), order[i], enc.W, ins)
		enc.m.probsFast(pr, reg, enc.idx[:R], enc.slotU(0), enc.W, ins)
		if !slices.Equal(pr, enc.pr) {
			t.Fatalf("record %d: probsFast gives other probabilities", i)
		}
		enc.Push(msg, 0, 0, order[i])
	}
	random := ans.NewMessage(1)
	for range 4096 {
		random.Push(0, uint32(g.Next()%256), 1, 8)
	}
	for k, start := range []*ans.Message{msg, random} {
		ref, fast := newCoder(), newCoder()
		mr, mf := start.Clone(), start.Clone()
		a, b := make([]byte, R), make([]byte, R)
		for i := range order {
			ref.SetParams(0, outs[i])
			fast.SetParams(0, outs[i])
			ref.s.pop(mr, 0, ref.m, ref.idx[:R], ref.slotU(0), a, ref.W)
			fast.s.popFast(mf, 0, fast.m, fast.idx[:R], fast.slotU(0), b, fast.W)
			if !bytes.Equal(a, b) || k == 0 && !bytes.Equal(a, order[i]) {
				t.Fatalf("message %d record %d: popFast gives another record", k, i)
			}
		}
		if !mr.Equal(mf) || ref.s.score != fast.s.score {
			t.Fatalf("message %d: popFast leaves another message or score (%d, %d)", k, ref.s.score, fast.s.score)
		}
		for r := range bcmRegimes {
			if *ref.s.t2[r] != *fast.s.t2[r] || *ref.s.t3[r] != *fast.s.t3[r] {
				t.Fatalf("message %d: popFast leaves other counters in regime %d", k, r)
			}
		}
	}
}

// TestBinCMNbMask checks that bcmIn's count of set pixels among W, N,
// NW, NE, read from the BernoulliAR context, is bcmNbCount of every
// 20-neighbour context.
func TestBinCMNbMask(t *testing.T) {
	for c3 := range uint32(1 << bcmBits3) {
		if in := bcmQuietIn(c3); in.nbc() != bcmNbCount(c3) || in.ar() != bcmARCtx(c3) {
			t.Fatalf("context %#x: %d set neighbours, want %d", c3, in.nbc(), bcmNbCount(c3))
		}
	}
}

// BenchmarkBinCMPaths times bernoulli-cm's coding paths against their
// references on the same 64 test images under random decoder logits, so
// that one run gives each fast path's speed-up: the decoder's pop, the
// encoder's prepass (adapt) and its probabilities (probs). Each op is one
// image; the state is reset every 64, outside the timing.
func BenchmarkBinCMPaths(b *testing.B) {
	m, err := Builtin("mnist-bin-cm")
	if err != nil {
		b.Fatal(err)
	}
	d, _ := dataset.Binarize(mnistOrSkip(b, "test").Slice(0, 64), dataset.Threshold)
	R := m.RecordSize()
	g := dataset.SplitMix64{State: 5}
	out := make([]int32, R)
	for j := range out {
		out[j] = int32(g.Next() % arIdxLen)
	}
	c := m.Lik.(*bcmTablesT).NewCoder(&m.Arch, 1).(*bcmCoder)
	c.SetParams(0, out)
	order := make([][]byte, d.Len())
	for i := range order {
		order[i] = d.Record(i)
	}
	c.ChunkStart(order)
	msg := ans.NewMessage(1)
	for i := len(order) - 1; i >= 0; i-- {
		c.Push(msg, 0, 0, order[i])
	}
	ins := slices.Clone(c.ins)
	rec := make([]byte, R)
	pops := map[string]func(*ans.Message, int, *bcmMix, []uint16, []int16, []byte, int){
		"reference": c.s.pop, "fast": c.s.popFast,
	}
	adapts := map[string]func(*bcmMix, int, []byte, int, []bcmIn, uint32){
		"reference": c.s.adapt, "fast": c.s.adaptFast,
	}
	for _, path := range []string{"reference", "fast"} {
		b.Run("pop/"+path, func(b *testing.B) {
			b.SetBytes(int64(R))
			pop := pops[path]
			var mm *ans.Message
			i := 0
			for b.Loop() {
				if i%len(order) == 0 {
					b.StopTimer()
					c.ChunkStart(nil)
					mm = msg.Clone()
					b.StartTimer()
				}
				pop(mm, 0, c.m, c.idx[:R], c.slotU(0), rec, c.W)
				i++
			}
		})
		b.Run("adapt/"+path, func(b *testing.B) {
			b.SetBytes(int64(R))
			adapt := adapts[path]
			i := 0
			for b.Loop() {
				k := i % len(order)
				if k == 0 {
					b.StopTimer()
					c.ChunkStart(nil)
					b.StartTimer()
				}
				adapt(c.m, 0, order[k], c.W, c.ins[k*R:(k+1)*R], c.m.limit)
				i++
			}
		})
		b.Run("probs/"+path, func(b *testing.B) {
			b.SetBytes(int64(R))
			i := 0
			for b.Loop() {
				k := i % len(order)
				in := ins[k*R : (k+1)*R]
				if path == "fast" {
					c.m.probsFast(c.pr, 0, c.idx[:R], c.slotU(0), c.W, in)
				} else {
					c.m.probs(c.pr, 0, c.idx[:R], c.slotU(0), order[k], c.W, in)
				}
				i++
			}
		})
	}
}

// TestBinCMResetLines moves the counters with the fast paths (the
// encoder's prepass over a chunk of sampled images, which reach more
// contexts than digits, then the decoder's pops of random records) and
// checks that each reset, which copies back only the lines they marked,
// gives the primed state exactly.
func TestBinCMResetLines(t *testing.T) {
	m, err := Builtin("mnist-bin-cm")
	if err != nil {
		t.Fatal(err)
	}
	d := dataset.Sample(mnistOrSkip(t, "test").Slice(0, 40), 7)
	R := m.RecordSize()
	c := m.Lik.(*bcmTablesT).NewCoder(&m.Arch, 1).(*bcmCoder)
	primed := func(when string) {
		t.Helper()
		for r := range bcmRegimes {
			if !slices.Equal(c.s.t2[r][:], c.m.reg[r].primed2) || !slices.Equal(c.s.t3[r][:], c.m.reg[r].primed3) {
				t.Fatalf("%s: regime %d's counters are not the primed ones after reset", when, r)
			}
		}
	}
	order := make([][]byte, d.Len())
	for i := range order {
		order[i] = d.Record(i)
	}
	c.ChunkStart(order)
	c.ChunkStart(nil)
	primed("after the prepass")
	g := dataset.SplitMix64{State: 9}
	out := make([]int32, R)
	for j := range out {
		out[j] = int32(g.Next() % arIdxLen)
	}
	c.SetParams(0, out)
	msg := ans.NewMessage(1)
	for range 4096 {
		msg.Push(0, uint32(g.Next()%256), 1, 8)
	}
	rec := make([]byte, R)
	for i := range 8 {
		c.s.score = int64(i%2) * 1000 // both regimes
		c.s.popFast(msg, 0, c.m, c.idx[:R], c.slotU(0), rec, c.W)
	}
	c.ChunkStart(nil)
	primed("after pops")
}
