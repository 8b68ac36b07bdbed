// Command cmixspan measures how a cmix model's adaptation span (the
// records per chunk, at each of which its state resets) sets its rate: the
// exact code length (the sum of -log2 of the integer probabilities, as an
// archive's chunk frames pay them, without the frames' few bytes) of the
// records of an IDX file coded in chunks of each given size, and with
// adaptation off, with the CPU time of each pass.
//
//	go run ./vae/internal/cmixspan -m mnist-cmix -chunks 1000,2500,5000,10000 /work/data/mnist-test.idx
package main

import (
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/cmix"
	"github.com/bbans/bbans/vae/dataset"
)

// cpu returns the process's user CPU time, so that speeds measured on a
// shared machine count the time this process ran.
func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano())
}

func main() {
	model := flag.String("m", "mnist-cmix", "a built-in model's name or a model file")
	chunks := flag.String("chunks", "1000,2500,5000,10000", "records per chunk to measure, comma-separated")
	off := flag.Bool("off", true, "measure with adaptation off too")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: cmixspan [-m MODEL] [-chunks N,...] TEST.idx")
	}
	m, err := vae.Builtin(*model)
	if err != nil {
		b, rerr := os.ReadFile(*model)
		if rerr != nil {
			log.Fatalf("%v; %v", err, rerr)
		}
		if m, err = vae.ParseModel(b); err != nil {
			log.Fatal(err)
		}
	}
	cm := m.CMixModel()
	if cm == nil {
		log.Fatalf("%s is not a cmix model", *model)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	d, err := dataset.ReadIDX(f)
	f.Close()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s (%d bytes) on %s: %d records\n", *model, len(m.File()), flag.Arg(0), d.Len())
	var sizes []int
	for _, s := range strings.Split(*chunks, ",") {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			log.Fatalf("bad chunk size %q", s)
		}
		sizes = append(sizes, n)
	}
	if *off {
		sizes = append(sizes, 0)
	}
	for _, n := range sizes {
		bits, el := codeLength(cm, d, n)
		what := fmt.Sprintf("chunks of %d records", n)
		if n == 0 {
			what = "adaptation off"
		}
		fmt.Printf("%-26s %.4f bits/dim  (%.0f bytes; %.1f s of CPU, %.3f MB/s)\n", what, bits/float64(len(d.Data)),
			bits/8, el.Seconds(), float64(len(d.Data))/el.Seconds()/1e6)
	}
}

// codeLength is the code length in bits of d's records in chunks of n
// (n = 0: adaptation off), an uncodable record costing its bytes.
func codeLength(cm *cmix.Model, d *dataset.Dataset, n int) (float64, time.Duration) {
	c := cm.NewCoder()
	c.SetAdapt(n > 0)
	var bits []byte
	var probs []uint16
	var sum float64
	t := cpu()
	for i := range d.Len() {
		if n > 0 && i%n == 0 {
			c.Reset()
		}
		rec := d.Record(i)
		if !cm.Codable(rec) {
			sum += float64(8 * len(rec))
			continue
		}
		bits, probs = c.Encode(rec, bits[:0], probs[:0])
		for k, b := range bits {
			p := float64(probs[k]) / 65536
			if b == 0 {
				p = 1 - p
			}
			sum -= math.Log2(p)
		}
	}
	return sum, cpu() - t
}
