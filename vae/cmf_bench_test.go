package vae

import (
	"bytes"
	"math"
	"runtime"
	"testing"

	"github.com/bbans/bbans/ans"
	"github.com/bbans/bbans/vae/dataset"
)

// cmfProto is a prototype of a fast 8-bit likelihood on mnist-cm's nets
// (issue 18), kept to time designs against mnist-cm: no mixing, every
// probability a static table entry. "v != 0" has P(1) = z[(t>>4)<<12 |
// q(W)<<9 | q(N)<<6 | q(NW)<<3 | q(NE)] (cmLevel's 8 levels); a non-zero
// byte is mnist-cm's 8 decisions MSB first, node n's P(1) =
// v[key<<8 | n] with key = min(t>>6, 7)<<6 | q(W)<<3 | q(N) (small) or
// min(t>>6, 7)<<12 | q(W)<<9 | q(N)<<6 | q(NW)<<3 | q(NE) (wide). The
// tables are backoff estimates of counts on training images.
type cmfProto struct {
	wide bool
	z, v []uint16
	lv   []uint8 // levels, padded by 2 columns each side and 2 rows on top
	pr   []uint16
	dec  []byte
}

const cmfW, cmfH, cmfS = 28, 28, 32

func (p *cmfProto) vkey(lv []uint8, o int, t uint16) int {
	tb := min(int(t)>>6, 7)
	W, N := int(lv[o-1]), int(lv[o-cmfS])
	if !p.wide {
		return (tb<<6 | W<<3 | N) << 8
	}
	return (tb<<12 | W<<9 | N<<6 | int(lv[o-cmfS-1])<<3 | int(lv[o-cmfS+1])) << 8
}

func cmfZKey(lv []uint8, o int, t uint16) int {
	return int(t>>4)<<12 | int(lv[o-1])<<9 | int(lv[o-cmfS])<<6 | int(lv[o-cmfS-1])<<3 | int(lv[o-cmfS+1])
}

// fitCMFProto counts the decisions of d's records with logit indices idx.
func fitCMFProto(d *dataset.Dataset, idx []uint16, wide bool) *cmfProto {
	p := &cmfProto{wide: wide, lv: make([]uint8, cmfS*(cmfH+2)), pr: make([]uint16, 9*784), dec: make([]byte, 9*784)}
	nz := make([][2]float64, 33<<12)
	nz0 := make([][2]float64, 33)
	vsize := 8 << 6
	if wide {
		vsize = 8 << 12
	}
	nv := make([][2]float64, vsize<<8)
	nv0 := make([][2]float64, 8<<8)
	for r := range d.Len() {
		rec := d.Record(r)
		ix := idx[r*784 : (r+1)*784]
		clear(p.lv)
		for i, v := range rec {
			o := (i/cmfW+2)*cmfS + i%cmfW + 2
			t := ix[i]
			b := 0
			if v != 0 {
				b = 1
			}
			nz[cmfZKey(p.lv, o, t)][b]++
			nz0[t>>4][b]++
			if v != 0 {
				k := p.vkey(p.lv, o, t)
				node := 1
				for j := 7; j >= 0; j-- {
					bit := int(v) >> j & 1
					nv[k|node][bit]++
					nv0[min(int(t)>>6, 7)<<8|node][bit]++
					node = 2*node + bit
				}
			}
			p.lv[o] = cmLevel[v]
		}
	}
	est := func(n [2]float64, parent, alpha float64) float64 {
		return (n[1] + alpha*parent) / (n[0] + n[1] + alpha)
	}
	p.z = make([]uint16, len(nz))
	for k := range nz {
		p.z[k] = probQ16(est(nz[k], est(nz0[k>>12], 0.5, 2), 2))
	}
	p.v = make([]uint16, len(nv))
	for k := range nv {
		tb := k >> 8 >> 6
		if wide {
			tb = k >> 8 >> 12
		}
		p.v[k] = probQ16(est(nv[k], est(nv0[tb<<8|k&255], 0.5, 4), 4))
	}
	return p
}

// decisions fills p.pr and p.dec for rec and returns their number.
func (p *cmfProto) decisions(rec []byte, idx []uint16) int {
	clear(p.lv)
	n := 0
	for i, v := range rec {
		o := (i/cmfW+2)*cmfS + i%cmfW + 2
		t := idx[i]
		p.pr[n] = p.z[cmfZKey(p.lv, o, t)]
		p.dec[n] = 0
		n++
		if v != 0 {
			p.dec[n-1] = 1
			k := p.vkey(p.lv, o, t)
			node := 1
			for j := 7; j >= 0; j-- {
				bit := v >> j & 1
				p.pr[n], p.dec[n] = p.v[k|node], bit
				n++
				node = 2*node + int(bit)
			}
		}
		p.lv[o] = cmLevel[v]
	}
	return n
}

func (p *cmfProto) push(msg *ans.Message, rec []byte, idx []uint16) {
	n := p.decisions(rec, idx)
	ans.PushBernoulli(msg, 0, p.dec[:n], p.pr[:n], BernoulliPrec)
}

func (p *cmfProto) pop(msg *ans.Message, rec []byte, idx []uint16) {
	clear(p.lv)
	d := msg.BitPopper(0)
	lv := p.lv
	for i := range rec {
		o := (i/cmfW+2)*cmfS + i%cmfW + 2
		t := idx[i]
		v := byte(0)
		b := d.Pop(p.z[cmfZKey(lv, o, t)])
		d.Renorm()
		if b != 0 {
			k := p.vkey(lv, o, t)
			node := 1
			for range 8 {
				bit := d.Pop(p.v[k|node])
				d.Renorm()
				node = 2*node + int(bit)
			}
			v = byte(node)
		}
		rec[i] = v
		lv[o] = cmLevel[v]
	}
	d.Close()
}

// BenchmarkCMFProto times the static prototypes (cmfProto, tables fitted
// on 20,000 MNIST training images) beside mnist-cm's fast path on the
// same 200 test images with their bits-back decoder outputs, one lane, no
// nets: cpu-ns/image (the thread's CPU time) and the exact code length of
// those images (bits/dim of the likelihood alone, without the latents).
//
//	go test -run x -bench CMFProto -benchtime 5x ./vae
func BenchmarkCMFProto(b *testing.B) {
	m, err := Builtin("mnist-cm")
	if err != nil {
		b.Fatal(err)
	}
	cm := m.Lik.(*cmLik).rt
	recs, idx := cmBenchRecords(b, m, 200)
	R := m.RecordSize()
	sc := newCMScratch(R, m.Arch.RecordShape().RowBytes())
	train := mnistOrSkip(b, "train").Slice(0, 20000)
	tidx := m.sampleLogits(train, 1)
	type coder struct {
		name      string
		push, pop func(*ans.Message, []byte, []uint16)
		bits      float64
	}
	cmBits := 0.0
	for i, rec := range recs {
		n := cm.decisions(sc, rec, idx[i])
		for k := range n {
			cmBits -= math.Log2(float64(bitFreq(sc.dec[k], sc.probs[k])) / (1 << BernoulliPrec))
		}
	}
	coders := []coder{{"mnist-cm", func(msg *ans.Message, rec []byte, ix []uint16) { cm.pushRecord(msg, 0, sc, rec, ix) },
		func(msg *ans.Message, rec []byte, ix []uint16) { cm.popRecord(msg, 0, sc, rec, ix) }, cmBits}}
	for _, wide := range []bool{false, true} {
		p := fitCMFProto(train, tidx, wide)
		bits := 0.0
		for i, rec := range recs {
			n := p.decisions(rec, idx[i])
			for k := range n {
				bits -= math.Log2(float64(bitFreq(p.dec[k], p.pr[k])) / (1 << BernoulliPrec))
			}
		}
		name := "static-small"
		if wide {
			name = "static-wide"
		}
		coders = append(coders, coder{name, p.push, p.pop, bits})
	}
	for _, c := range coders {
		full := ans.NewMessage(1)
		for i, rec := range recs {
			c.push(full, rec, idx[i])
		}
		b.Run("push/lik="+c.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			msg := ans.NewMessage(1)
			msg.Reserve(full.TailLen())
			cpu0 := cpuTime()
			for b.Loop() {
				msg.Reset(1)
				for i, rec := range recs {
					c.push(msg, rec, idx[i])
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N*len(recs)), "cpu-ns/image")
			b.ReportMetric(c.bits/float64(len(recs)*R), "bits/dim")
			b.SetBytes(int64(len(recs) * R))
		})
		b.Run("pop/lik="+c.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			out := make([]byte, R)
			var cpu int64
			for b.Loop() {
				msg := full.Clone()
				cpu0 := cpuTime()
				for i := len(recs) - 1; i >= 0; i-- {
					c.pop(msg, out, idx[i])
					if i == len(recs)-1 && !bytes.Equal(out, recs[i]) {
						b.Fatal("popped record differs")
					}
				}
				cpu += int64(cpuTime() - cpu0)
			}
			if !bytes.Equal(out, recs[0]) {
				b.Fatal("the last record popped is not the first pushed")
			}
			b.ReportMetric(float64(cpu)/float64(b.N*len(recs)), "cpu-ns/image")
			b.ReportMetric(c.bits/float64(len(recs)*R), "bits/dim")
			b.SetBytes(int64(len(recs) * R))
		})
	}
}
