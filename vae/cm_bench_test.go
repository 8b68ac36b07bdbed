package vae

import (
	"bytes"
	"runtime"
	"testing"
	"time"

	"github.com/bbans/bbans/ans"
)

// cmBenchRecords returns n MNIST test images with the decoder's logit
// indices that bits-back coding gives them: each image's latent popped
// from its posterior off a seeded message, then decoded.
func cmBenchRecords(b *testing.B, m *Model, n int) (recs [][]byte, idx [][]uint16) {
	d := testImages(b, m, n)
	c := m.NewCoder(1)
	msg := seededMessage(100000)
	lat := [][]int32{make([]int32, m.LatentSize())}
	w := newWorker(m, 1)
	for i := range n {
		rec := d.Record(i)
		c.PopPosterior(msg, [][]byte{rec}, lat)
		w.setLatent(0, lat[0])
		w.decode(1)
		cc := w.lik.(*cmCoder)
		recs = append(recs, rec)
		idx = append(idx, append([]uint16(nil), cc.idx[:cc.R]...))
	}
	return recs, idx
}

// BenchmarkCMDecisions measures mnist-cm's per-pixel decision loop alone
// (no nets, no latents) on 200 MNIST test images with their bits-back
// decoder outputs, one lane: push (the encoder's side: probabilities of
// every decision, then the ANS pushes) and pop (the decoder's side, each
// decision's probability from the bits popped before it), each on the
// fast path, on the fast path with the Go prob instead of the assembly one
// (path=fast-go; the same as fast where there is no assembly) and on
// cm.go's reference (path=reference), so that the speed-ups are ratios in
// one run (benchstat -col /path). MB/s counts record bytes; ns/decision is
// the time over the number of binary decisions.
func BenchmarkCMDecisions(b *testing.B) {
	m, err := Builtin("mnist-cm")
	if err != nil {
		b.Fatal(err)
	}
	cm := m.Lik.(*cmLik).rt
	recs, idx := cmBenchRecords(b, m, 200)
	R := m.RecordSize()
	sc := newCMScratch(R, m.Arch.RecordShape().RowBytes())
	decisions := 0
	for i, rec := range recs {
		decisions += cm.decisions(sc, rec, idx[i])
	}
	full := ans.NewMessage(1)
	for i, rec := range recs {
		cm.pushRecord(full, 0, sc, rec, idx[i])
	}
	var cpu0 time.Duration
	report := func(b *testing.B) {
		b.SetBytes(int64(len(recs) * R))
		b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N*decisions), "ns/decision")
		b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N*decisions), "cpu-ns/decision")
	}
	refPush := func(msg *ans.Message, rec []byte, idx []uint16) {
		n := cm.decisions(sc, rec, idx)
		ans.PushBernoulli(msg, 0, sc.dec[:n], sc.probs[:n], BernoulliPrec)
	}
	fastPush := func(msg *ans.Message, rec []byte, idx []uint16) { cm.pushRecord(msg, 0, sc, rec, idx) }
	asm := cmProbAsm
	defer func() { cmProbAsm = asm }()
	for _, p := range []struct {
		name string
		asm  bool
		push func(*ans.Message, []byte, []uint16)
		pop  func(*ans.Message, int, *cmScratch, []byte, []uint16)
	}{{"fast", asm, fastPush, cm.popRecord}, {"fast-go", false, fastPush, cm.popRecord}, {"reference", asm, refPush, cm.refPopRecord}} {
		cmProbAsm = p.asm
		b.Run("push/path="+p.name, func(b *testing.B) {
			runtime.LockOSThread() // cpuTime is the thread's
			defer runtime.UnlockOSThread()
			b.ReportAllocs()
			msg := ans.NewMessage(1)
			msg.Reserve(full.TailLen())
			cpu0 = cpuTime()
			for b.Loop() {
				msg.Reset(1)
				for i, rec := range recs {
					p.push(msg, rec, idx[i])
				}
			}
			report(b)
		})
		b.Run("pop/path="+p.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.ReportAllocs()
			out := make([]byte, R)
			cpu0 = cpuTime()
			for b.Loop() {
				b.StopTimer()
				msg := full.Clone()
				b.StartTimer()
				for i := len(recs) - 1; i >= 0; i-- {
					p.pop(msg, 0, sc, out, idx[i])
				}
			}
			if !bytes.Equal(out, recs[0]) {
				b.Fatal("the last record popped is not the first pushed")
			}
			report(b)
		})
	}
}

// BenchmarkCMAsm is the ratio of BenchmarkCMDecisions' path=fast to
// path=fast-go measured in the same iterations: each iteration pushes (or
// pops) the 200 records with the assembly and then with the Go
// probabilities, timed by the thread's CPU time, so that load on the
// machine falls on both alike. speedup is Go's time over the assembly's.
func BenchmarkCMAsm(b *testing.B) {
	if !cmProbAsm {
		b.Skip("no assembly on this build or CPU")
	}
	defer func() { cmProbAsm = true }()
	m, err := Builtin("mnist-cm")
	if err != nil {
		b.Fatal(err)
	}
	cm := m.Lik.(*cmLik).rt
	recs, idx := cmBenchRecords(b, m, 200)
	R := m.RecordSize()
	sc := newCMScratch(R, m.Arch.RecordShape().RowBytes())
	full := ans.NewMessage(1)
	for i, rec := range recs {
		cm.pushRecord(full, 0, sc, rec, idx[i])
	}
	out := make([]byte, R)
	for _, op := range []string{"push", "pop"} {
		b.Run(op, func(b *testing.B) {
			runtime.LockOSThread() // cpuTime is the thread's
			defer runtime.UnlockOSThread()
			var t [2]time.Duration // assembly, Go
			msg := ans.NewMessage(1)
			msg.Reserve(full.TailLen())
			for b.Loop() {
				for k, asm := range []bool{true, false} {
					cmProbAsm = asm
					if op == "pop" {
						msg = full.Clone()
					} else {
						msg.Reset(1)
					}
					t0 := cpuTime()
					if op == "pop" {
						for i := len(recs) - 1; i >= 0; i-- {
							cm.popRecord(msg, 0, sc, out, idx[i])
						}
					} else {
						for i, rec := range recs {
							cm.pushRecord(msg, 0, sc, rec, idx[i])
						}
					}
					t[k] += cpuTime() - t0
				}
			}
			mb := float64(b.N*len(recs)*R) / 1e6
			b.ReportMetric(mb/t[0].Seconds(), "MB/s-asm")
			b.ReportMetric(mb/t[1].Seconds(), "MB/s-go")
			b.ReportMetric(t[1].Seconds()/t[0].Seconds(), "speedup")
		})
	}
}
