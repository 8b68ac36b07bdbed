package ans

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// The benchmarks code records of 784 symbols (an MNIST image) and report
// ns/op per record, with SetBytes counting one byte per symbol, so MB/s
// reads as millions of symbols per second. "naive" pushes one symbol at a
// time through the primitive Push/Pop, which is what a straightforward port
// does; "vector" is the hot loop; "divide" is the hot loop of a push with
// the division of the specification instead of a reciprocal (recip.go),
// so that vector/divide is the reciprocal's speed-up in one run; and
// "naive-reciprocal" is naive with a reciprocal made for each push, which
// is why Message.Push still divides.

const benchRecord = 784

type benchData struct {
	bits  [][]byte
	probs [][]uint16
	syms  [][]byte
	cat   *Categorical
}

func newBenchData(lanes int) *benchData {
	r := rand.New(rand.NewPCG(16, 17))
	d := &benchData{cat: randomCategorical(r, 256, 16)}
	for range lanes {
		bits := make([]byte, benchRecord)
		probs := make([]uint16, benchRecord)
		syms := make([]byte, benchRecord)
		for i := range bits {
			// Binarized MNIST: most pixels confidently 0, some 1, some unsure.
			p := 1 + r.IntN(200)
			switch r.IntN(5) {
			case 0:
				p = 1<<12 - p
			case 1:
				p = 1 + r.IntN(1<<12-1)
			}
			probs[i] = uint16(p)
			if r.IntN(1<<12) < p {
				bits[i] = 1
			}
			syms[i] = byte(d.cat.symbol(uint32(r.IntN(1 << 16))))
		}
		d.bits = append(d.bits, bits)
		d.probs = append(d.probs, probs)
		d.syms = append(d.syms, syms)
	}
	return d
}

func BenchmarkBernoulli(b *testing.B) {
	for _, lanes := range []int{1, 8} {
		d := newBenchData(lanes)
		push := func(m *Message) {
			for l := range lanes {
				PushBernoulli(m, l, d.bits[l], d.probs[l], 12)
			}
		}
		pop := func(m *Message, out []byte) {
			for l := lanes - 1; l >= 0; l-- {
				PopBernoulli(m, l, d.probs[l], 12, out)
			}
		}
		naivePush := func(m *Message) {
			for l := range lanes {
				for i := benchRecord - 1; i >= 0; i-- {
					p := uint32(d.probs[l][i])
					if d.bits[l][i] == 1 {
						m.Push(l, 1<<12-p, p, 12)
					} else {
						m.Push(l, 0, 1<<12-p, 12)
					}
				}
			}
		}
		naivePop := func(m *Message, out []byte) {
			for l := lanes - 1; l >= 0; l-- {
				for i := range benchRecord {
					p := uint32(d.probs[l][i])
					if m.Peek(l, 12) >= 1<<12-p {
						m.Pop(l, 1<<12-p, p, 12)
						out[i] = 1
					} else {
						m.Pop(l, 0, 1<<12-p, 12)
						out[i] = 0
					}
				}
			}
		}
		dividePush := func(m *Message) {
			for l := range lanes {
				pushBernoulliDiv(m, l, d.bits[l], d.probs[l], 12)
			}
		}
		naiveRecipPush := func(m *Message) {
			for l := range lanes {
				for i := benchRecord - 1; i >= 0; i-- {
					p := uint32(d.probs[l][i])
					if d.bits[l][i] == 1 {
						m.pushOnTheFly(l, 1<<12-p, p, 12)
					} else {
						m.pushOnTheFly(l, 0, 1<<12-p, 12)
					}
				}
			}
		}
		benchPushPop(b, fmt.Sprintf("lanes=%d", lanes), lanes, []benchImpl{
			{"vector", push, pop}, {"naive", naivePush, naivePop}, {"divide", dividePush, nil},
			{"naive-reciprocal", naiveRecipPush, nil}})
	}
}

func BenchmarkCategorical256(b *testing.B) {
	for _, lanes := range []int{1, 8} {
		d := newBenchData(lanes)
		c := d.cat
		push := func(m *Message) {
			for l := range lanes {
				c.PushBytes(m, l, d.syms[l])
			}
		}
		pop := func(m *Message, out []byte) {
			for l := lanes - 1; l >= 0; l-- {
				c.PopBytes(m, l, out)
			}
		}
		naivePush := func(m *Message) {
			for l := range lanes {
				for i := benchRecord - 1; i >= 0; i-- {
					c.Push(m, l, int(d.syms[l][i]))
				}
			}
		}
		naivePop := func(m *Message, out []byte) {
			for l := lanes - 1; l >= 0; l-- {
				for i := range benchRecord {
					out[i] = byte(c.Pop(m, l))
				}
			}
		}
		dividePush := func(m *Message) {
			for l := range lanes {
				pushBytesDiv(c, m, l, d.syms[l])
			}
		}
		benchPushPop(b, fmt.Sprintf("lanes=%d", lanes), lanes, []benchImpl{
			{"vector", push, pop}, {"naive", naivePush, naivePop}, {"divide", dividePush, nil}})
	}
}

// pushBytesDiv is Categorical.PushBytes with the division of the
// specification.
func pushBytesDiv(c *Categorical, m *Message, lane int, syms []byte) {
	prec := c.prec
	x := m.head[lane]
	for i := len(syms) - 1; i >= 0; i-- {
		s := int(syms[i])
		start := uint64(c.cdf[s])
		freq := uint64(c.cdf[s+1]) - start
		if x >= freq<<(63-prec) {
			m.pushWord(uint32(x))
			x >>= 32
		}
		x = (x/freq)<<prec + x%freq + start
	}
	m.head[lane] = x
}

// benchImpl is one implementation of a codec's push and pop (pop nil: a
// push-only baseline).
type benchImpl struct {
	name string
	push func(*Message)
	pop  func(*Message, []byte)
}

// benchPushPop runs push and pop, vector and naive, for one record per
// lane. Each iteration starts from a message that already holds a few
// records, so the tail has room and the cost is the steady state.
func benchPushPop(b *testing.B, name string, lanes int, impls []benchImpl) {
	symbols := int64(lanes * benchRecord)
	out := make([]byte, benchRecord)
	for _, impl := range impls {
		b.Run(name+"/push/"+impl.name, func(b *testing.B) {
			m := NewMessage(lanes)
			m.Reserve(1 << 20)
			base := m.Clone()
			b.SetBytes(symbols)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if i%64 == 0 { // keep the tail bounded
					m.tail = m.tail[:len(base.tail)]
					copy(m.head, base.head)
				}
				impl.push(m)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*symbols), "ns/symbol")
		})
		if impl.pop == nil {
			continue
		}
		b.Run(name+"/pop/"+impl.name, func(b *testing.B) {
			m := NewMessage(lanes)
			m.Reserve(1 << 20)
			for range 64 {
				impl.push(m)
			}
			full := m.Clone()
			b.SetBytes(symbols)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if i%64 == 0 {
					m.tail = m.tail[:len(full.tail)]
					copy(m.tail, full.tail)
					copy(m.head, full.head)
					m.borrowed = full.borrowed
				}
				impl.pop(m, out)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*symbols), "ns/symbol")
		})
	}
}

// BenchmarkBernoulliInterleaved times bursts of 16 records of push,
// push with the division, and pop in turn, one lane, and reports the
// fastest burst of each, in ns/symbol, and the ratios: on a shared machine
// interleaving exposes all three to the same load, and the fastest burst is
// the one least disturbed by it.
func BenchmarkBernoulliInterleaved(b *testing.B) {
	for _, prec := range []uint{12, 16} {
		b.Run(fmt.Sprintf("prec=%d", prec), func(b *testing.B) {
			d := newBenchData(1)
			bits, probs := d.bits[0], d.probs[0]
			if prec == 16 {
				probs = make([]uint16, len(d.probs[0]))
				for i, p := range d.probs[0] {
					probs[i] = p << 4
				}
			}
			const burst = 16
			out := make([]byte, benchRecord)
			m := NewMessage(1)
			m.Reserve(2 * burst * benchRecord)
			base := m.Clone()
			best := [3]time.Duration{1 << 62, 1 << 62, 1 << 62}
			timeBurst := func(k int, f func()) {
				t0 := time.Now()
				for range burst {
					f()
				}
				best[k] = min(best[k], time.Since(t0))
			}
			b.SetBytes(3 * burst * benchRecord)
			for b.Loop() {
				m.tail = m.tail[:0]
				copy(m.head, base.head)
				timeBurst(1, func() { pushBernoulliDiv(m, 0, bits, probs, prec) })
				m.tail = m.tail[:0]
				copy(m.head, base.head)
				timeBurst(0, func() { PushBernoulli(m, 0, bits, probs, prec) })
				timeBurst(2, func() { PopBernoulli(m, 0, probs, prec, out) })
			}
			ns := func(k int) float64 { return float64(best[k].Nanoseconds()) / (burst * benchRecord) }
			b.ReportMetric(ns(0), "push-ns/symbol")
			b.ReportMetric(ns(1), "divide-ns/symbol")
			b.ReportMetric(ns(2), "pop-ns/symbol")
			b.ReportMetric(ns(0)/ns(2), "push/pop")
			b.ReportMetric(ns(1)/ns(0), "divide/push")
		})
	}
}
