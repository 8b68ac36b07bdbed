// Command leanexp measures a lean ADAPTIVE likelihood on mnist-cm's nets
// (issue 18): a few small directly indexed tables of adaptive binary
// counters and a small integer logistic mixer, primed on training images
// by running the coding rule over them, then adapting to each chunk's
// records as it codes them and reset per chunk. Every probability is
// integer arithmetic (what a coder would see); the figure is the exact
// code length sum of -log2(freq/2^16) of those probabilities, plus
// mnist-cm's own latent cost (the same nets and draws), in bits/dim.
//
//	go run ./vae/internal/leanexp -eval holdout   # prime on train 0..50000, measure 50000..60000
//	go run ./vae/internal/leanexp -eval test      # prime on the 60,000, measure the test images
//
// -only picks variants by name (comma-separated substrings); -chunk is
// the records per chunk (adaptation reset at each); -static also
// measures each variant with adaptation off (the primed state, frozen).
// -legal (default) keeps everything the decoder's logits touch static
// while a chunk is coded, as vae.ChunkStarter requires of a likelihood
// inside bits-back (the encoder's prepass cannot know the later records'
// latents): tables whose context has t, and the mixer's weights; only
// tables over causal bytes adapt. -legal=false measures the unlawful
// upper bound. The decoder logits are cached in -cache between runs.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

func load(path string) *dataset.Dataset {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	d, err := dataset.ReadIDX(f)
	if err != nil {
		log.Fatal(err)
	}
	return d
}

// logits returns mnist-cm's decoder logit indices for d, cached by name.
func logits(m *vae.Model, d *dataset.Dataset, seed uint64, cache, name string) []uint16 {
	path := filepath.Join(cache, fmt.Sprintf("%s-%d.u16", name, seed))
	if b, err := os.ReadFile(path); err == nil && len(b) == 2*len(d.Data) {
		out := make([]uint16, len(d.Data))
		for i := range out {
			out[i] = binary.LittleEndian.Uint16(b[2*i:])
		}
		return out
	}
	out, err := vae.DecoderLogits(m, d, seed)
	if err != nil {
		log.Fatal(err)
	}
	b := make([]byte, 2*len(out))
	for i, v := range out {
		binary.LittleEndian.PutUint16(b[2*i:], v)
	}
	if err := os.MkdirAll(cache, 0o755); err == nil {
		_ = os.WriteFile(path, b, 0o644)
	}
	return out
}

// ---- integer primitives (paq-style) ----

// squashTab: logistic at 33 points, x in steps of 128 from -2047, 12-bit.
var squashPts = [33]int32{1, 2, 3, 6, 10, 16, 27, 45, 73, 120, 194, 310, 488, 747, 1101,
	1546, 2047, 2549, 2994, 3348, 3607, 3785, 3901, 3975, 4024, 4050, 4068, 4079,
	4085, 4089, 4092, 4093, 4094}

// squash maps a logit x (units 1/256, clamped to ±2047) to a 12-bit probability.
func squash(x int32) int32 {
	if x > 2047 {
		x = 2047
	}
	if x < -2047 {
		x = -2047
	}
	w := x & 127
	i := (x >> 7) + 16
	return (squashPts[i]*(128-w) + squashPts[i+1]*w + 64) >> 7
}

// squash16 is squash with 16-bit output: 16x finer interpolation.
func squash16(x int32) uint32 {
	if x > 2047 {
		x = 2047
	}
	if x < -2047 {
		x = -2047
	}
	w := x & 127
	i := (x >> 7) + 16
	p := (squashPts[i]*16*(128-w) + squashPts[i+1]*16*w + 64) >> 7
	return uint32(min(max(p, 16), 65520))
}

var stretchTab = func() (t [4096]int16) {
	pi := int32(0)
	for x := int32(-2047); x <= 2047; x++ {
		v := squash(x)
		for j := pi; j <= v; j++ {
			t[j] = int16(x)
		}
		pi = v + 1
	}
	for j := pi; j < 4096; j++ {
		t[j] = 2047
	}
	return t
}()

func stretch(p12 uint32) int32 { return int32(stretchTab[p12]) }

// dt[n] = 2^17/(2n+3): the rate 1/(n+1.5) in units of 2^-16.
var dt = func() (t [1024]int64) {
	for n := range t {
		t[n] = (1 << 17) / int64(2*n+3)
	}
	return t
}()

// counter state: p (22 bits) << 10 | n (10 bits).
type ctr = uint32

const ctrInit = ctr(1<<21) << 10

func ctrP12(s ctr) uint32 { return s >> 20 }

func ctrUpdate(s *ctr, bit uint32, limit uint32) {
	if limit == 0 {
		return // adaptation off
	}
	n := *s & 1023
	p := int64(*s >> 10)
	p += ((int64(bit) << 22) - p) * dt[n] >> 16
	p = min(max(p, 0), 1<<22-1)
	if n < limit {
		n++
	}
	*s = uint32(p)<<10 | n
}

// ---- the pixel view ----

type px struct {
	v                              byte
	W, N, NW, NE, WW, NN, NNE, NNW byte
	t, tE, tS, tSE                 uint16
	x, y                           int
}

var lv8 = func() (t [256]int) {
	for v := range t {
		for _, e := range []int{1, 16, 64, 128, 192, 240, 253} {
			if v >= e {
				t[v]++
			}
		}
	}
	return t
}()

var lv4 = func() (t [256]int) {
	for v := range t {
		for _, e := range []int{1, 128, 253} {
			if v >= e {
				t[v]++
			}
		}
	}
	return t
}()

var lrShift int32 = 16

// legal keeps, while a chunk is coded, every part of the state that the
// decoder's logits touch static (vae.ChunkStarter: the adaptive state
// may depend on the records' bytes only): the tables whose context has
// t, the mixer's weights and the APM.
var legal = flag.Bool("legal", true, "freeze the parts of the state that depend on the decoder's logits while coding")

func u(t uint16) int32 { return min(max((int32(t)-256)*16, -2047), 2047) }

// tab is one context table: key(p) < size contexts, 256 nodes each.
type tab struct {
	name string
	size int
	key  func(p *px) int
	zero bool // only the "v != 0" decision (one node per context)
	t    bool // the context uses the decoder's logits: static while coding (-legal)
}

type variant struct {
	name    string
	tabs    []tab
	limit   uint32 // counter count limit while coding
	plimit  uint32 // while priming
	lr      int32
	nets    int // decoder logit inputs: 0, 1 (t) or 4 (t, tE, tS, tSE)
	apm     bool
	twoRate bool // a second, fast counter per context (limit 6... ) as another input
}

// model is a variant's state.
type model struct {
	v      *variant
	t      [][]ctr
	t2     [][]ctr
	w      []int32 // sets x inputs
	nin    int
	apm    []uint16 // (depth*9+tb)*33 entries, 16-bit probs, interpolated
	dirtyT [][]int32
}

func newModel(v *variant) *model {
	m := &model{v: v}
	for _, tb := range v.tabs {
		s := make([]ctr, tb.size*tb.nodes())
		for i := range s {
			s[i] = ctrInit
		}
		m.t = append(m.t, s)
		if v.twoRate {
			s2 := make([]ctr, tb.size*tb.nodes())
			copy(s2, s)
			m.t2 = append(m.t2, s2)
		}
	}
	m.nin = len(v.tabs) + v.nets + 1
	if v.twoRate {
		m.nin += len(v.tabs)
	}
	m.w = make([]int32, 9*9*m.nin)
	for s := 0; s < 9*9; s++ {
		for j := range len(v.tabs) {
			m.w[s*m.nin+j] = 65536 * 3 / 10
		}
		if v.nets > 0 {
			m.w[s*m.nin+len(v.tabs)] = 65536 / 4
		}
	}
	m.apm = make([]uint16, 81*33)
	for s := range 81 {
		for j := range 33 {
			m.apm[s*33+j] = uint16(squash16(int32(j-16) * 128))
		}
	}
	return m
}

func (t *tab) nodes() int {
	if t.zero {
		return 1
	}
	return 256
}

func (m *model) clone() *model {
	c := &model{v: m.v, nin: m.nin}
	for _, s := range m.t {
		c.t = append(c.t, append([]ctr(nil), s...))
	}
	for _, s := range m.t2 {
		c.t2 = append(c.t2, append([]ctr(nil), s...))
	}
	c.w = append([]int32(nil), m.w...)
	c.apm = append([]uint16(nil), m.apm...)
	return c
}

// record codes (and adapts to) one record; returns its code length in bits.
func (m *model) record(rec []byte, ix []uint16, limit uint32, depthBits *[9]float64, coding bool) float64 {
	frozen := coding && *legal
	const w, h = 28, 28
	at := func(x, y int) byte {
		if x < 0 || x >= w || y < 0 {
			return 0
		}
		return rec[y*w+x]
	}
	tt := func(x, y int) uint16 {
		if x >= w || y >= h {
			return 256
		}
		return ix[y*w+x]
	}
	var bases [16]int
	var in [32]int32
	var st [32]*ctr
	bits := 0.0
	nt := len(m.v.tabs)
	var p px
	for y := range h {
		for x := range w {
			p = px{v: rec[y*w+x], W: at(x-1, y), N: at(x, y-1), NW: at(x-1, y-1), NE: at(x+1, y-1),
				WW: at(x-2, y), NN: at(x, y-2), NNE: at(x+1, y-2), NNW: at(x-1, y-2),
				t: ix[y*w+x], tE: tt(x+1, y), tS: tt(x, y+1), tSE: tt(x+1, y+1), x: x, y: y}
			for k, tb := range m.v.tabs {
				bases[k] = tb.key(&p) * tb.nodes()
			}
			tb := int(min(p.t>>6, 8))
			node := 0
			depth := 0
			v := uint32(p.v)
			for {
				var bit uint32
				if depth == 0 {
					if v != 0 {
						bit = 1
					}
				} else {
					bit = v >> (8 - depth) & 1
				}
				j := 0
				for k := range nt {
					if m.v.tabs[k].zero && depth > 0 {
						st[j], in[j] = nil, 0
					} else {
						st[j] = &m.t[k][bases[k]+node]
						in[j] = stretch(ctrP12(*st[j]))
					}
					j++
				}
				if m.v.twoRate {
					for k := range nt {
						st[j] = &m.t2[k][bases[k]+node]
						in[j] = stretch(ctrP12(*st[j]))
						j++
					}
				}
				switch m.v.nets {
				case 1:
					in[j] = u(p.t)
					j++
				case 4:
					in[j], in[j+1], in[j+2], in[j+3] = u(p.t), u(p.tE), u(p.tS), u(p.tSE)
					j += 4
				}
				in[j] = 256
				j++
				set := depth*9 + tb
				wv := m.w[set*m.nin : (set+1)*m.nin]
				var dot int64
				for i := range j {
					dot += int64(in[i]) * int64(wv[i])
				}
				d := int32(min(max(dot>>16, -2047), 2047))
				var p16 uint32
				if m.v.apm && !frozen {
					log.Fatal("an APM on the mixer's output depends on the decoder's logits: not with -legal")
				}
				if m.v.apm {
					// interpolate the APM at d, average with the mixer.
					a := m.apm[set*33:]
					i := (d + 2048) >> 7
					wt := (d + 2048) & 127
					pa := (uint32(a[i])*uint32(128-wt) + uint32(a[min(i+1, 32)])*uint32(wt)) >> 7
					p16 = (squash16(d) + 3*pa) >> 2
					p16 = min(max(p16, 16), 65520)
					// update the two nearer points
					tgt := int32(bit) * 65535
					if wt < 64 {
						a[i] = uint16(int32(a[i]) + (tgt-int32(a[i]))>>6)
					} else {
						a[min(i+1, 32)] = uint16(int32(a[min(i+1, 32)]) + (tgt-int32(a[min(i+1, 32)]))>>6)
					}
				} else {
					p16 = squash16(d)
				}
				f := p16
				if bit == 0 {
					f = 65536 - p16
				}
				c := 16 - math.Log2(float64(f))
				bits += c
				if depthBits != nil {
					depthBits[depth] += c
				}
				// update
				p12 := int32(squash(d))
				err := ((int32(bit) << 12) - p12) * m.v.lr
				if frozen {
					err = 0
				}
				for i := range j {
					wv[i] += (in[i]*err + 1<<(lrShift-1)) >> lrShift
				}
				for k := range nt {
					if st[k] != nil && !(frozen && m.v.tabs[k].t) {
						ctrUpdate(st[k], bit, limit)
					}
				}
				if m.v.twoRate {
					for k := range nt {
						if !(frozen && m.v.tabs[k].t) {
							ctrUpdate(st[nt+k], bit, min(limit, 4))
						}
					}
				}
				if depth == 0 {
					if bit == 0 {
						break
					}
					node = 1
				} else {
					node = 2*node + int(bit)
				}
				depth++
				if depth > 8 {
					break
				}
			}
		}
	}
	return bits
}

func main() {
	eval := flag.String("eval", "holdout", "holdout (prime on train 0..50000, measure 50000..60000) or test")
	seed := flag.Uint64("seed", 1, "seed of the latent draws")
	only := flag.String("only", "", "variants whose names contain one of these comma-separated substrings (empty: all)")
	chunk := flag.Int("chunk", 1000, "records per chunk")
	cache := flag.String("cache", "/tmp/leanexp", "directory caching decoder logits")
	flag.Func("lrshift", "mixer update shift (default 14)", func(s string) error { _, err := fmt.Sscan(s, &lrShift); return err })
	prof := flag.String("cpuprofile", "", "with -speed, write a CPU profile here")
	speed := flag.Bool("speed", false, "time M3's fast loop (no coder) instead of measuring rates")
	static := flag.Bool("static", false, "also measure without adaptation")
	flag.Parse()
	m, err := vae.Builtin("mnist-cm")
	if err != nil {
		log.Fatal(err)
	}
	train := load("/work/data/mnist-train.idx")
	var fit, meas *dataset.Dataset
	switch *eval {
	case "holdout":
		fit, meas = train.Slice(0, 50000), train.Slice(50000, 60000)
	case "test":
		fit, meas = train, load("/work/data/mnist-test.idx")
	default:
		log.Fatalf("bad -eval %q", *eval)
	}
	c, err := m.NegELBO(meas, *seed)
	if err != nil {
		log.Fatal(err)
	}
	B := float64(len(meas.Data))
	fmt.Printf("mnist-cm on %s: %.4f bits/dim (likelihood %.4f, latents %.4f)\n", *eval, c.BitsPerByte(), c.Lik/B, c.Latent/B)
	ti := logits(m, train, *seed, *cache, "train")
	var fi, mi []uint16
	if *eval == "holdout" {
		fi, mi = ti[:50000*784], ti[50000*784:]
	} else {
		fi, mi = ti, logits(m, meas, *seed, *cache, "test")
	}
	if *speed {
		if *prof != "" {
			f, err := os.Create(*prof)
			if err != nil {
				log.Fatal(err)
			}
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
		fmt.Printf("M3 fast loop, probabilities and updates without a coder: %.1f us/image (thread CPU)\n", speedM3(false, fit, fi, meas, mi))
		fmt.Printf("M4 fast loop, probabilities and updates without a coder: %.1f us/image (thread CPU)\n", speedM3(true, fit, fi, meas, mi))
		return
	}
	for _, v := range variants() {
		if *only != "" {
			ok := false
			for _, s := range strings.Split(*only, ",") {
				if strings.Contains(v.name, s) {
					ok = true
				}
			}
			if !ok {
				continue
			}
		}
		t0 := time.Now()
		md := newModel(&v)
		for r := range fit.Len() {
			md.record(fit.Record(r), fi[r*784:(r+1)*784], v.plimit, nil, false)
		}
		var db [9]float64
		bits := 0.0
		for lo := 0; lo < meas.Len(); lo += *chunk {
			cm := md.clone()
			for r := lo; r < min(lo+*chunk, meas.Len()); r++ {
				bits += cm.record(meas.Record(r), mi[r*784:(r+1)*784], v.limit, &db, true)
			}
		}
		sb := 0.0
		if *static {
			cm := md.clone()
			cm.v = &variant{}
			*cm.v = v
			cm.v.lr = 0
			for r := range meas.Len() {
				sb += cm.record(meas.Record(r), mi[r*784:(r+1)*784], 0, nil, true)
			}
		}
		kb := 0
		for _, s := range md.t {
			kb += 4 * len(s) / 1024
		}
		for _, s := range md.t2 {
			kb += 4 * len(s) / 1024
		}
		fmt.Printf("%-44s lik %.4f total %.4f  (%d KB; %.0fs)", v.name, bits/B, (bits+c.Latent)/B, kb, time.Since(t0).Seconds())
		if *static {
			fmt.Printf(" static %.4f", (sb+c.Latent)/B)
		}
		fmt.Printf("\n   by depth:")
		for _, x := range db {
			fmt.Printf(" %.4f", x/B)
		}
		fmt.Println()
	}
}

func variants() []variant {
	tW := tab{"W", 256, func(p *px) int { return int(p.W) }, false, false}
	tN := tab{"N", 256, func(p *px) int { return int(p.N) }, false, false}
	tWN8 := tab{"t5WN", 17 * 64, func(p *px) int { return int(p.t>>5)<<6 | lv8[p.W]<<3 | lv8[p.N] }, false, true}
	t4WN8 := tab{"t4WN", 33 * 64, func(p *px) int { return int(p.t>>4)<<6 | lv8[p.W]<<3 | lv8[p.N] }, false, true}
	tNb4 := tab{"WNNWNE8", 4096, func(p *px) int { return lv8[p.W]<<9 | lv8[p.N]<<6 | lv8[p.NW]<<3 | lv8[p.NE] }, false, false}
	tNb4s := tab{"WNNWNE4", 256, func(p *px) int { return lv4[p.W]<<6 | lv4[p.N]<<4 | lv4[p.NW]<<2 | lv4[p.NE] }, false, false}
	tT6NN := tab{"t6WWNN", 9 * 64, func(p *px) int { return int(min(p.t>>6, 8))<<6 | lv8[p.WW]<<3 | lv8[p.NN] }, false, true}
	tAvg := tab{"avgWN", 256, func(p *px) int { return (int(p.W) + int(p.N) + 1) >> 1 }, false, false}
	tT3 := tab{"t3", 65, func(p *px) int { return int(p.t >> 3) }, false, true}
	t6nb6 := tab{"t6WNNWNE4WWNN4", 9 * 4096, func(p *px) int {
		return int(min(p.t>>6, 8))<<12 | lv4[p.W]<<10 | lv4[p.N]<<8 | lv4[p.NW]<<6 | lv4[p.NE]<<4 | lv4[p.WW]<<2 | lv4[p.NN]
	}, false, true}
	tNE := tab{"NE", 256, func(p *px) int { return int(p.NE) }, false, false}
	tNW := tab{"NW", 256, func(p *px) int { return int(p.NW) }, false, false}
	z1 := tab{"z:t4WNNWNE8", 33 * 4096, func(p *px) int { return int(p.t>>4)<<12 | tNb4.key(p) }, true, true}
	z2 := tab{"z:t6nb6", 9 * 4096, t6nb6.key, true, true}
	z3 := tab{"z:t3nb5", 65 * 1024, func(p *px) int {
		return int(p.t>>3)<<10 | lv4[p.W]<<8 | lv4[p.N]<<6 | lv4[p.NW]<<4 | lv4[p.NE]<<2 | lv4[p.NN]
	}, true, true}
	zb1 := tab{"z:WNNWNE8", 4096, tNb4.key, true, false}
	zb2 := tab{"z:nb8q4", 1 << 16, func(p *px) int {
		return lv4[p.W]<<14 | lv4[p.N]<<12 | lv4[p.NW]<<10 | lv4[p.NE]<<8 | lv4[p.WW]<<6 | lv4[p.NN]<<4 | lv4[p.NNE]<<2 | lv4[p.NNW]
	}, true, false}
	tWWNN := tab{"WWNN8", 64, func(p *px) int { return lv8[p.WW]<<3 | lv8[p.NN] }, false, false}
	base := variant{limit: 127, plimit: 127, lr: 2, nets: 4}
	mk := func(name string, f func(v *variant), tabs ...tab) variant {
		v := base
		v.tabs = tabs
		v.name = name
		if f != nil {
			f(&v)
		}
		return v
	}
	lim := func(l uint32) func(v *variant) { return func(v *variant) { v.limit, v.plimit = l, l } }
	return []variant{
		mk("A: t5WN W N", nil, tWN8, tW, tN),
		mk("B: t5WN W N NbQ8", nil, tWN8, tW, tN, tNb4),
		mk("C: t5WN W N NbQ8 t6WWNN", nil, tWN8, tW, tN, tNb4, tT6NN),
		mk("D: t4WN W N NbQ8 t6WWNN avg t3", nil, t4WN8, tW, tN, tNb4, tT6NN, tAvg, tT3),
		mk("E: t5WN W N NbQ4 t6nb6", nil, tWN8, tW, tN, tNb4s, t6nb6),
		mk("F: D + z:t4WNNWNE8 z:t6nb6", nil, t4WN8, tW, tN, tNb4, tT6NN, tAvg, tT3, z1, z2),
		mk("G: F + NE NW", nil, t4WN8, tW, tN, tNb4, tT6NN, tAvg, tT3, z1, z2, tNE, tNW),
		mk("H: F + z:t3nb5", nil, t4WN8, tW, tN, tNb4, tT6NN, tAvg, tT3, z1, z2, z3),
		mk("L1: t4WN W N NbQ8 z:t4WNNWNE8", nil, t4WN8, tW, tN, tNb4, z1),
		mk("L2: t4WN W N NbQ8 NE z:t4WNNWNE8 z:t6nb6", nil, t4WN8, tW, tN, tNb4, tNE, z1, z2),
		mk("L3: G nets1", func(v *variant) { v.nets = 1 }, t4WN8, tW, tN, tNb4, tT6NN, tAvg, tT3, z1, z2, tNE, tNW),
		mk("M1: G + z:WNNWNE8 z:nb8q4", nil, t4WN8, tW, tN, tNb4, tT6NN, tAvg, tT3, z1, z2, tNE, tNW, zb1, zb2),
		mk("M2: M1 + WWNN8", nil, t4WN8, tW, tN, tNb4, tT6NN, tAvg, tT3, z1, z2, tNE, tNW, zb1, zb2, tWWNN),
		mk("M3: t4WN W N NbQ8 NE z:t4WNNWNE8 z:nb8q4", nil, t4WN8, tW, tN, tNb4, tNE, z1, zb2),
		mk("S1: t4WN W N z:t4WNNWNE8", nil, t4WN8, tW, tN, z1),
		mk("S2: t4WN W N z:t4WNNWNE8 nets1", func(v *variant) { v.nets = 1 }, t4WN8, tW, tN, z1),
		mk("S3: t4WN W N NE z:t4WNNWNE8 z:nb8q4 nets1", func(v *variant) { v.nets = 1 }, t4WN8, tW, tN, tNE, z1, zb2),
		mk("S4: t4WN NbQ8 z:t4WNNWNE8", nil, t4WN8, tNb4, z1),
		mk("M4: t5WN W N NbQ4 NE z:t4WNNWNE8 z:nb8q4", nil, tWN8, tW, tN, tNb4s, tNE, z1, zb2),
		mk("C lim30", lim(30), tWN8, tW, tN, tNb4, tT6NN),
		mk("C lim255", lim(255), tWN8, tW, tN, tNb4, tT6NN),
		mk("C lim1023", lim(1023), tWN8, tW, tN, tNb4, tT6NN),
		mk("C lr1", func(v *variant) { v.lr = 1 }, tWN8, tW, tN, tNb4, tT6NN),
		mk("C lr6", func(v *variant) { v.lr = 6 }, tWN8, tW, tN, tNb4, tT6NN),
		mk("C nets1", func(v *variant) { v.nets = 1 }, tWN8, tW, tN, tNb4, tT6NN),
		mk("C apm", func(v *variant) { v.apm = true }, tWN8, tW, tN, tNb4, tT6NN),
		mk("C tworate", func(v *variant) { v.twoRate = true }, tWN8, tW, tN, tNb4, tT6NN),
	}
}
