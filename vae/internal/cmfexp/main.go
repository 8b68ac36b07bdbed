// Command cmfexp measures candidate fast 8-bit likelihoods on mnist-cm's
// nets: the ideal code length (-log2 of smoothed count estimates fitted on
// training images) of each candidate's symbols plus the latents' net cost,
// in bits/dim, so that a design can be chosen before it is built.
//
//	go run ./vae/internal/cmfexp -eval holdout   # fit on train 0..50000, measure 50000..60000
//	go run ./vae/internal/cmfexp -eval test      # fit on the 60,000, measure the test images
//
// -only picks the measurements: depth (mnist-cm's own code length by
// decision depth), zero ("v != 0" from static counts by context), value
// (the non-zero byte as one symbol of 255 from backoff counts), tree (the
// non-zero byte as mnist-cm's 8 decisions MSB first, or a Huffman tree's,
// from backoff counts over nested contexts: a static table per context),
// mix (the tree's levels and four decoder logits in a float logistic mix
// fitted on the last sixth of the fitting images, counts on the rest).
// The latents' cost is mnist-cm's own (the same nets and draws). Every
// figure is an ideal code length from float estimates; vae's
// BenchmarkCMFProto gives the quantised tables' exact one and their speed.
package main

import (
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"strings"

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

// px is what a causal model may see of one pixel.
type px struct {
	v                         byte
	W, N, NW, NE, WW, NN, NNE byte
	t, tE, tS, tSE            uint16
	x, y                      int
}

func pixels(d *dataset.Dataset, idx []uint16, f func(p *px)) {
	const w, h = 28, 28
	for r := range d.Len() {
		rec := d.Record(r)
		ix := idx[r*784 : (r+1)*784]
		at := func(x, y int) byte {
			if x < 0 || x >= w || y < 0 {
				return 0
			}
			return rec[y*w+x]
		}
		tt := func(x, y int) uint16 {
			if x >= w || y >= h {
				return 256 // logit 0 outside
			}
			return ix[y*w+x]
		}
		var p px
		for y := range h {
			for x := range w {
				p = px{v: rec[y*w+x], W: at(x-1, y), N: at(x, y-1), NW: at(x-1, y-1), NE: at(x+1, y-1),
					WW: at(x-2, y), NN: at(x, y-2), NNE: at(x+1, y-2),
					t: ix[y*w+x], tE: tt(x+1, y), tS: tt(x, y+1), tSE: tt(x+1, y+1), x: x, y: y}
				f(&p)
			}
		}
	}
}

var lv8 = func() (t [256]uint64) {
	for v := range t {
		for _, e := range []int{1, 16, 64, 128, 192, 240, 253} {
			if v >= e {
				t[v]++
			}
		}
	}
	return t
}()

var lv4 = func() (t [256]uint64) {
	for v := range t {
		for _, e := range []int{1, 128, 253} {
			if v >= e {
				t[v]++
			}
		}
	}
	return t
}()

var lv16 = func() (t [256]uint64) {
	for v := range t {
		for _, e := range []int{1, 8, 24, 48, 72, 96, 120, 144, 168, 192, 216, 236, 248, 252, 254} {
			if v >= e {
				t[v]++
			}
		}
	}
	return t
}()

// ctx is one level of a backoff model: a key below size.
type ctx struct {
	size uint64
	key  func(p *px) uint64
}

// model is a backoff estimate of a symbol of A values over nested
// contexts: p_k(s) = (n_k(s) + alpha·p_(k-1)(s)) / (n_k + alpha), p_(-1)
// uniform.
type model struct {
	name  string
	A     int
	alpha float64
	sym   func(p *px) (int, bool) // the symbol, false if the model codes nothing here
	lv    []ctx
	n     [][]uint32
	tot   [][]uint32
}

func (m *model) fit(d *dataset.Dataset, idx []uint16) {
	m.n = make([][]uint32, len(m.lv))
	m.tot = make([][]uint32, len(m.lv))
	for k, c := range m.lv {
		m.n[k] = make([]uint32, c.size*uint64(m.A))
		m.tot[k] = make([]uint32, c.size)
	}
	pixels(d, idx, func(p *px) {
		s, ok := m.sym(p)
		if !ok {
			return
		}
		for k, c := range m.lv {
			key := c.key(p)
			m.n[k][key*uint64(m.A)+uint64(s)]++
			m.tot[k][key]++
		}
	})
}

func (m *model) prob(p *px, s int) float64 {
	q := 1 / float64(m.A)
	for k, c := range m.lv {
		key := c.key(p)
		q = (float64(m.n[k][key*uint64(m.A)+uint64(s)]) + m.alpha*q) / (float64(m.tot[k][key]) + m.alpha)
	}
	return q
}

func (m *model) cost(d *dataset.Dataset, idx []uint16) (bits float64, coded int) {
	pixels(d, idx, func(p *px) {
		s, ok := m.sym(p)
		if !ok {
			return
		}
		coded++
		bits -= math.Log2(m.prob(p, s))
	})
	return
}

// contexts used in the candidates.
var (
	tb4 = func(p *px) uint64 { return uint64(p.t >> 4) } // 33
	tb5 = func(p *px) uint64 { return uint64(p.t >> 5) } // 17
	tb6 = func(p *px) uint64 { return uint64(min(p.t>>6, 7)) }
	nb4 = func(p *px) uint64 { return lv8[p.W]<<9 | lv8[p.N]<<6 | lv8[p.NW]<<3 | lv8[p.NE] }
	nb2 = func(p *px) uint64 { return lv8[p.W]<<3 | lv8[p.N] }
	nb6 = func(p *px) uint64 { return nb4(p)<<6 | lv8[p.WW]<<3 | lv8[p.NN] }
	tnb = func(p *px) uint64 { return uint64(min(p.tE>>6, 7))<<3 | uint64(min(p.tS>>6, 7)) }
)

func zeroModels() []*model {
	zs := func(p *px) (int, bool) {
		if p.v != 0 {
			return 1, true
		}
		return 0, true
	}
	mk := func(name string, lv ...ctx) *model {
		return &model{name: name, A: 2, alpha: 2, sym: zs, lv: lv}
	}
	return []*model{
		mk("z: t>>4 | W N NW NE", ctx{33, tb4}, ctx{33 * 4096, func(p *px) uint64 { return tb4(p)<<12 | nb4(p) }}),
		mk("z: t>>4 | W N | NW NE", ctx{33, tb4}, ctx{33 * 64, func(p *px) uint64 { return tb4(p)<<6 | nb2(p) }},
			ctx{33 * 4096, func(p *px) uint64 { return tb4(p)<<12 | nb4(p) }}),
		mk("z: t>>4 | W N | NW NE | WW NN", ctx{33, tb4}, ctx{33 * 64, func(p *px) uint64 { return tb4(p)<<6 | nb2(p) }},
			ctx{33 * 4096, func(p *px) uint64 { return tb4(p)<<12 | nb4(p) }},
			ctx{33 << 18, func(p *px) uint64 { return tb4(p)<<18 | nb6(p) }}),
		mk("z: t>>4 | W N | NW NE | tE tS", ctx{33, tb4}, ctx{33 * 64, func(p *px) uint64 { return tb4(p)<<6 | nb2(p) }},
			ctx{33 * 4096, func(p *px) uint64 { return tb4(p)<<12 | nb4(p) }},
			ctx{33 << 18, func(p *px) uint64 { return tb4(p)<<18 | nb4(p)<<6 | tnb(p) }}),
	}
}

func valueModels() []*model {
	vs := func(p *px) (int, bool) { return int(p.v), p.v != 0 }
	mk := func(name string, alpha float64, lv ...ctx) *model {
		return &model{name: name, A: 256, alpha: alpha, sym: vs, lv: lv}
	}
	return []*model{
		mk("v: t>>6 | W N", 8, ctx{8, tb6}, ctx{8 * 64, func(p *px) uint64 { return tb6(p)<<6 | nb2(p) }}),
		mk("v: t>>6 | W N | NW NE", 8, ctx{8, tb6}, ctx{8 * 64, func(p *px) uint64 { return tb6(p)<<6 | nb2(p) }},
			ctx{8 * 4096, func(p *px) uint64 { return tb6(p)<<12 | nb4(p) }}),
		mk("v: t>>6 | W16 N16", 8, ctx{8, tb6}, ctx{8 * 64, func(p *px) uint64 { return tb6(p)<<6 | nb2(p) }},
			ctx{8 * 256, func(p *px) uint64 { return tb6(p)<<8 | lv16[p.W]<<4 | lv16[p.N] }}),
		mk("v: t>>6 | W16 N16 | NW NE", 8, ctx{8, tb6}, ctx{8 * 64, func(p *px) uint64 { return tb6(p)<<6 | nb2(p) }},
			ctx{8 * 256, func(p *px) uint64 { return tb6(p)<<8 | lv16[p.W]<<4 | lv16[p.N] }},
			ctx{8 * 65536, func(p *px) uint64 { return tb6(p)<<16 | lv16[p.W]<<12 | lv16[p.N]<<8 | lv16[p.NW]<<4 | lv16[p.NE] }}),
	}
}

func main() {
	eval := flag.String("eval", "holdout", "holdout (fit on train 0..50000, measure 50000..60000) or test")
	seed := flag.Uint64("seed", 1, "seed of the latent draws")
	only := flag.String("only", "depth,zero,value,tree", "which measurements to run, comma-separated")
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
	fmt.Printf("mnist-cm on %s: %v\n", *eval, c)
	latent := c.Latent
	B := float64(len(meas.Data))
	fi, err := vae.DecoderLogits(m, fit, *seed)
	if err != nil {
		log.Fatal(err)
	}
	mi, err := vae.DecoderLogits(m, meas, *seed)
	if err != nil {
		log.Fatal(err)
	}
	run := func(what string) bool { return strings.Contains(","+*only+",", ","+what+",") }
	db, dn, err := vae.ContextMixDepthCosts(m, meas, mi)
	if err != nil {
		log.Fatal(err)
	}
	for k := range db {
		if !run("depth") {
			break
		}
		fmt.Printf("mnist-cm depth %d: %.4f bits/dim over %d decisions (%.3f bits each)\n", k, db[k]/B, dn[k], db[k]/float64(dn[k]))
	}
	best := math.Inf(1)
	zms := zeroModels()
	if !run("zero") {
		zms = zms[2:3] // the best
	}
	for _, z := range zms {
		z.fit(fit, fi)
		b, n := z.cost(meas, mi)
		fmt.Printf("%-40s %.4f bits/dim over %d decisions\n", z.name, b/B, n)
		best = min(best, b)
		z.n, z.tot = nil, nil
	}
	for _, v := range valueModels() {
		if !run("value") {
			break
		}
		v.fit(fit, fi)
		b, n := v.cost(meas, mi)
		fmt.Printf("%-40s %.4f bits/dim over %d values; with best zero and latent %.4f\n", v.name, b/B, n, (b+best+latent)/B)
		v.n, v.tot = nil, nil
	}
	if run("mix") {
		mixExperiment(fit, fi, meas, mi, best, latent)
	}
	var freq [256]float64
	pixels(fit, fi, func(p *px) { freq[p.v]++ })
	hc, mean := huffmanCode(freq)
	fmt.Printf("huffman tree over 1..255: %.2f decisions per non-zero value on the fitting images\n", mean)
	for _, code := range []struct {
		name string
		c    [256][]dec
	}{{"msb", binaryCode()}, {"huffman", hc}} {
		for _, t := range treeModels() {
			if !run("tree") {
				break
			}
			t.code = code.c
			t.name = code.name + " " + t.name
			t.fit(fit, fi)
			b, n := t.cost(meas, mi)
			fmt.Printf("%-40s %.4f bits/dim, %.2f decisions per value; with best zero and latent %.4f\n", t.name, b/B, float64(n)/float64(freqNZ(meas)), (b+best+latent)/B)
			for k, v := range t.depth {
				if v != 0 {
					fmt.Printf("    depth %d: %.4f bits/dim\n", k+1, v/B)
				}
			}
			t.n = nil
		}
	}
}

// mixExperiment fits the counts of the tree models on the first part of
// fit and mixers on the rest, and measures them on meas.
func mixExperiment(fit *dataset.Dataset, fi []uint16, meas *dataset.Dataset, mi []uint16, zero, latent float64) {
	B := float64(len(meas.Data))
	cut := fit.Len() * 5 / 6
	cf, wf := fit.Slice(0, cut), fit.Slice(cut, fit.Len())
	cfi, wfi := fi[:cut*784], fi[cut*784:]
	for _, t := range treeModels() {
		t.code = binaryCode()
		t.fit(cf, cfi)
		sb, _ := t.cost(meas, mi)
		mx := &mixer{t: t, lr: 0.002}
		for ep := range 2 {
			mx.lr = 0.002 / float64(1+ep)
			mx.run(wf, wfi, true)
		}
		b := mx.run(meas, mi, false)
		fmt.Printf("mix msb %-30s static %.4f, mixed %.4f bits/dim; with zero and latent %.4f (counts on %d images, weights on %d)\n",
			t.name, sb/B, b/B, (b+zero+latent)/B, cf.Len(), wf.Len())
		t.n = nil
	}
}

func freqNZ(d *dataset.Dataset) int {
	n := 0
	for _, v := range d.Data {
		if v != 0 {
			n++
		}
	}
	return n
}

func treeModels() []*tree {
	mk := func(name string, alpha float64, lv ...ctx) *tree { return &tree{name: name, alpha: alpha, lv: lv} }
	c0 := ctx{1, func(*px) uint64 { return 0 }}
	c1 := ctx{8 * 64, func(p *px) uint64 { return tb6(p)<<6 | nb2(p) }}
	c2 := ctx{8 * 4096, func(p *px) uint64 { return tb6(p)<<12 | nb4(p) }}
	c3 := ctx{8 << 18, func(p *px) uint64 { return tb6(p)<<18 | nb6(p) }}
	return []*tree{
		mk("t|WN", 4, c0, ctx{8, tb6}, c1),
		mk("t|WN|NWNE", 4, c0, ctx{8, tb6}, c1, c2),
		mk("t|WN|NWNE|WWNN", 4, c0, ctx{8, tb6}, c1, c2, c3),
		mk("WN|NWNE|WWNN (no t)", 4, c0, ctx{64, nb2}, ctx{4096, nb4}, ctx{1 << 18, nb6}),
	}
}

// tree is a backoff model of v != 0 coded as binary decisions along a
// code tree (code[v] = its decisions, node ids below 512), each level's
// key times 512 plus the node.
type tree struct {
	name  string
	alpha float64
	code  [256][]dec
	lv    []ctx
	n     [][][2]uint32
	depth [16]float64 // bits by position in the code
}

type dec struct {
	node uint16
	bit  uint8
}

// binaryCode is cm's code: bits MSB first, node 1 the root.
func binaryCode() (c [256][]dec) {
	for v := 1; v < 256; v++ {
		node := uint16(1)
		for b := 7; b >= 0; b-- {
			bit := uint8(v >> b & 1)
			c[v] = append(c[v], dec{node, bit})
			node = 2*node + uint16(bit)
		}
	}
	return c
}

// huffmanCode builds a Huffman tree over the frequencies of 1..255;
// returns the codes and the mean decisions per symbol.
func huffmanCode(freq [256]float64) (c [256][]dec, mean float64) {
	type nd struct {
		w    float64
		l, r int // children, -1 for a leaf
		sym  int
	}
	var nodes []nd
	var live []int
	for v := 1; v < 256; v++ {
		nodes = append(nodes, nd{w: freq[v] + 0.5, l: -1, r: -1, sym: v})
		live = append(live, len(nodes)-1)
	}
	for len(live) > 1 {
		// two smallest
		a, b := 0, 1
		if nodes[live[b]].w < nodes[live[a]].w {
			a, b = b, a
		}
		for i := 2; i < len(live); i++ {
			w := nodes[live[i]].w
			if w < nodes[live[a]].w {
				a, b = i, a
			} else if w < nodes[live[b]].w {
				b = i
			}
		}
		na, nb := live[a], live[b]
		nodes = append(nodes, nd{w: nodes[na].w + nodes[nb].w, l: na, r: nb})
		if a > b {
			a, b = b, a
		}
		live = append(live[:b], live[b+1:]...)
		live[a] = len(nodes) - 1
	}
	id := uint16(0)
	tot := 0.0
	var walk func(n int, path []dec)
	walk = func(n int, path []dec) {
		if nodes[n].l < 0 {
			c[nodes[n].sym] = append([]dec(nil), path...)
			mean += freq[nodes[n].sym] * float64(len(path))
			tot += freq[nodes[n].sym]
			return
		}
		id++
		me := id
		walk(nodes[n].l, append(path, dec{me, 0}))
		walk(nodes[n].r, append(path, dec{me, 1}))
	}
	walk(len(nodes)-1, nil)
	return c, mean / tot
}

func (m *tree) fit(d *dataset.Dataset, idx []uint16) {
	m.n = make([][][2]uint32, len(m.lv))
	for k, c := range m.lv {
		m.n[k] = make([][2]uint32, c.size*512)
	}
	pixels(d, idx, func(p *px) {
		if p.v == 0 {
			return
		}
		for k, c := range m.lv {
			base := c.key(p) * 512
			for _, e := range m.code[p.v] {
				m.n[k][base+uint64(e.node)][e.bit]++
			}
		}
	})
}

func (m *tree) cost(d *dataset.Dataset, idx []uint16) (bits float64, decs int) {
	pixels(d, idx, func(p *px) {
		if p.v == 0 {
			return
		}
		var keys [8]uint64
		for k, c := range m.lv {
			keys[k] = c.key(p) * 512
		}
		for j, e := range m.code[p.v] {
			q := 0.5
			for k := range m.lv {
				n := m.n[k][keys[k]+uint64(e.node)]
				q = (float64(n[e.bit]) + m.alpha*q) / (float64(n[0]+n[1]) + m.alpha)
			}
			bits -= math.Log2(q)
			m.depth[min(j, 15)] -= math.Log2(q)
			decs++
		}
	})
	return
}

// mixer is a logistic mix over a tree model's backoff estimates at each
// level (stretched) and the decoder's logits of the pixel and its E, S
// and SE neighbours, one weight set per (decision depth, t>>6): what a
// small mixer on static tables would gain. Its weights are fitted online
// on images the tree's counts have not seen.
type mixer struct {
	t  *tree
	w  [][]float64
	lr float64
}

func stretch(p float64) float64 { return math.Log(p / (1 - p)) }

func (mx *mixer) inputs(p *px, keys []uint64, e dec, in []float64) []float64 {
	in = in[:0]
	q := 0.5
	for k := range mx.t.lv {
		n := mx.t.n[k][keys[k]+uint64(e.node)]
		q = (float64(n[1]) + mx.t.alpha*q) / (float64(n[0]+n[1]) + mx.t.alpha)
		if k >= 1 {
			in = append(in, stretch(q))
		}
	}
	u := func(t uint16) float64 { return (float64(t) - 256) / 16 }
	return append(in, u(p.t), u(p.tE), u(p.tS), u(p.tSE), 1)
}

// run fits (train) or measures the mixer on d.
func (mx *mixer) run(d *dataset.Dataset, idx []uint16, train bool) (bits float64) {
	in := make([]float64, 0, 16)
	pixels(d, idx, func(p *px) {
		if p.v == 0 {
			return
		}
		var keys [8]uint64
		for k, c := range mx.t.lv {
			keys[k] = c.key(p) * 512
		}
		for j, e := range mx.t.code[p.v] {
			in = mx.inputs(p, keys[:], e, in)
			set := j*8 + int(tb6(p))
			if mx.w == nil {
				mx.w = make([][]float64, 16*8)
			}
			w := mx.w[set]
			if w == nil {
				// Start from the deepest level's estimate alone.
				w = make([]float64, len(in))
				w[len(mx.t.lv)-2] = 1
				mx.w[set] = w
			}
			dot := 0.0
			for i, x := range in {
				dot += w[i] * x
			}
			pr := 1 / (1 + math.Exp(-dot))
			pr = min(max(pr, 1.0/65536), 1-1.0/65536)
			if e.bit == 1 {
				bits -= math.Log2(pr)
			} else {
				bits -= math.Log2(1 - pr)
			}
			if train {
				g := float64(e.bit) - pr
				for i, x := range in {
					w[i] += mx.lr * g * x
				}
			}
		}
	})
	return bits
}
