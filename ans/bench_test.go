package ans

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// The benchmarks code records of 784 symbols (an MNIST image) and report
// ns/op per record, with SetBytes counting one byte per symbol, so MB/s
// reads as millions of symbols per second. "naive" pushes one symbol at a
// time through the primitive Push/Pop, which is what a straightforward port
// does; "vector" is the hot loop.

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
		benchPushPop(b, fmt.Sprintf("lanes=%d", lanes), lanes, push, pop, naivePush, naivePop)
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
		benchPushPop(b, fmt.Sprintf("lanes=%d", lanes), lanes, push, pop, naivePush, naivePop)
	}
}

// benchPushPop runs push and pop, vector and naive, for one record per
// lane. Each iteration starts from a message that already holds a few
// records, so the tail has room and the cost is the steady state.
func benchPushPop(b *testing.B, name string, lanes int, push func(*Message), pop func(*Message, []byte), naivePush func(*Message), naivePop func(*Message, []byte)) {
	symbols := int64(lanes * benchRecord)
	out := make([]byte, benchRecord)
	for _, impl := range []struct {
		name string
		push func(*Message)
		pop  func(*Message, []byte)
	}{{"vector", push, pop}, {"naive", naivePush, naivePop}} {
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
