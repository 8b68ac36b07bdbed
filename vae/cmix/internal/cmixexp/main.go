// Command cmixexp measures a cmix model: it primes a model on training
// records and reports the exact code length (the sum of -log2 of the
// integer probabilities) of test records coded in independent chunks,
// with adaptation on and off, and the coding speed.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/bbans/bbans/vae/cmix"
)

func readIDX(path string) (data []byte, dims []int) {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	nd := int(b[3])
	for i := 0; i < nd; i++ {
		dims = append(dims, int(binary.BigEndian.Uint32(b[4+4*i:])))
	}
	return b[4+4*nd:], dims
}

type replay struct {
	bits  []byte
	probs []uint16
	i     int
	bad   int
}

func (r *replay) DecodeBit(p uint16) uint8 {
	if r.probs[r.i] != p {
		r.bad++
	}
	r.i++
	return r.bits[r.i-1]
}

// cpu returns the process's user CPU time, so speeds measured on a shared
// machine count the time this process ran.
func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano())
}

func main() {
	trainPath := flag.String("train", "/work/data/mnist-train.idx", "training IDX")
	testPath := flag.String("test", "/work/data/mnist-test.idx", "test IDX")
	ntrain := flag.Int("ntrain", 0, "training records to use (0: all)")
	ntest := flag.Int("ntest", 0, "test records to use (0: all)")
	chunk := flag.Int("chunk", 1000, "records per chunk (state reset)")
	passes := flag.Int("passes", 1, "priming passes")
	tbits := flag.Uint("bits", 22, "table bits")
	limit := flag.Int("limit", 255, "counter limit")
	rate := flag.Int("rate", 2, "mixer rate")
	minCount := flag.Int("mincount", 2, "counters kept after priming")
	thresh := flag.Bool("threshold", false, "binarize at 128")
	w := flag.Int("w", 0, "width (0: from IDX)")
	h := flag.Int("h", 0, "height")
	ch := flag.Int("c", 1, "channels")
	version := flag.Int("version", cmix.LatestVersion, "engine version")
	prof := flag.String("cpuprofile", "", "write a CPU profile")
	modelPath := flag.String("model", "", "a model file (.bbm) of a cmix model: test it instead of priming one")
	flag.Parse()
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}

	train, dims := readIDX(*trainPath)
	test, _ := readIDX(*testPath)
	W, H := *w, *h
	if W == 0 {
		H, W = dims[1], dims[2]
	}
	size := W * H * *ch
	if *thresh {
		for _, d := range [][]byte{train, test} {
			for i, v := range d {
				d[i] = v >> 7
			}
		}
	}
	if *ntrain > 0 && *ntrain*size < len(train) {
		train = train[:*ntrain*size]
	}
	if *ntest > 0 && *ntest*size < len(test) {
		test = test[:*ntest*size]
	}
	var seen [256]bool
	for _, v := range train {
		seen[v] = true
	}
	var levels []byte
	for v, s := range seen {
		if s {
			levels = append(levels, byte(v))
		}
	}
	p := cmix.DefaultParams(W, H, *ch, levels)
	p.TableBits, p.Limit, p.MixRate, p.MinCount, p.Version = *tbits, *limit, *rate, *minCount, *version
	m, err := cmix.New(p)
	if err != nil {
		log.Fatal(err)
	}
	t0 := cpu()
	if *modelPath != "" {
		m = readSection(*modelPath)
		train = nil
	} else {
		m.Prime(train, *passes, nil)
	}
	primeT := cpu() - t0
	mb, _ := m.MarshalBinary()
	fmt.Printf("model file %d bytes\n", len(mb))
	fmt.Printf("shape %dx%dx%d levels %d train %d test %d; primed in %.1fs (%.2f MB/s)\n",
		W, H, *ch, len(levels), len(train)/size, len(test)/size, primeT.Seconds(),
		float64(len(train)**passes)/primeT.Seconds()/1e6)

	var byDepth [10]float64
	for _, adapt := range []bool{true, false} {
		c := m.NewCoder()
		c.SetAdapt(adapt)
		var bitsSum float64
		var bits []byte
		var probs []uint16
		esc, decisions := 0, 0
		t1 := cpu()
		for off, k := 0, 0; off+size <= len(test); off, k = off+size, k+1 {
			if k%*chunk == 0 {
				c.Reset()
			}
			rec := test[off : off+size]
			if !m.Codable(rec) {
				esc++
				bitsSum += float64(8 * size)
				continue
			}
			bits, probs = c.Encode(rec, bits[:0], probs[:0])
			decisions += len(bits)
			for k, b := range bits {
				p := float64(probs[k]) / 65536
				if b == 0 {
					p = 1 - p
				}
				bitsSum -= math.Log2(p)
				if adapt {
					byDepth[depthOf(bits, k)] -= math.Log2(p)
				}
			}
		}
		el := cpu() - t1
		fmt.Printf("adapt=%v: %.4f bits/dim, %d escaped, %.0f decisions/record, encode %.2f MB/s\n",
			adapt, bitsSum/float64(len(test)), esc, float64(decisions)/float64(len(test)/size),
			float64(len(test))/el.Seconds()/1e6)
	}
	fmt.Printf("bits/dim by depth (0: the zero decision):")
	for d, b := range byDepth {
		fmt.Printf(" %d:%.4f", d, b/float64(len(test)))
	}
	fmt.Println()
	// Round trip of the first chunk through Decode.
	enc, dec := m.NewCoder(), m.NewCoder()
	n := *chunk
	if n*size > len(test) {
		n = len(test) / size
	}
	rec := make([]byte, size)
	t2 := cpu()
	bad := 0
	for k := 0; k < n; k++ {
		src := test[k*size : (k+1)*size]
		if !m.Codable(src) {
			continue
		}
		bits, probs := enc.Encode(src, nil, nil)
		r := &replay{bits: bits, probs: probs}
		dec.Decode(rec, r)
		if string(rec) != string(src) || r.bad != 0 {
			bad++
		}
	}
	fmt.Printf("round trip of %d records: %d bad (encode+decode %.2f MB/s)\n", n, bad, float64(n*size)/(cpu()-t2).Seconds()/1e6)
}

// readSection finds the cmix section in a model file: a u32 length, then
// bytes that cmix.Unmarshal reads.
func readSection(path string) *cmix.Model {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	for o := 0; o+4 < len(b); o++ {
		n := int(binary.LittleEndian.Uint32(b[o:]))
		if n < 64 || o+4+n > len(b) {
			continue
		}
		if m, err := cmix.Unmarshal(b[o+4 : o+4+n]); err == nil {
			return m
		}
	}
	log.Fatalf("%s: no cmix section", path)
	return nil
}

// depthOf returns the depth of decision k of a byte-walk: 0 for a zero
// decision, else how many decisions follow the last zero decision. It
// tracks the walk with a small state machine over the bits.
var walkDepth int

func depthOf(bits []byte, k int) int {
	if k == 0 || walkDepth == 0 && bits[k-1] == 0 || walkDepth == treeBits {
		walkDepth = 0
		return 0
	}
	walkDepth++
	return walkDepth
}

var treeBits = 8
