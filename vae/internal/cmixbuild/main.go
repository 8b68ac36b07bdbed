// Command cmixbuild makes a cmix model (vae.CMix) as bbans train DATA
// does, with the table size and the priming's minimum count given: the
// levels the records use (all 256 when they use more than 128), the state
// primed on every record of DATA once. The built-in mnist-cmix is
//
//	go run ./vae/internal/cmixbuild -version 2 -bits 24 -mincount 1 -rate 1 -o mnist-cmix.bbm /work/data/mnist-train.idx
//
// with the description given by -desc (its default).
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/cmix"
	"github.com/bbans/bbans/vae/dataset"
)

func main() {
	bits := flag.Uint("bits", 24, "log2 of the counters")
	minCount := flag.Int("mincount", 2, "keep the counters seen at least this often")
	rate := flag.Int("rate", 2, "the mixers' learning rate, in steps of 2^-9")
	version := flag.Int("version", cmix.LatestVersion, "the engine version")
	out := flag.String("o", "", "the model file to write")
	desc := flag.String("desc", "", "the model's description (default: how it was made)")
	flag.Parse()
	if flag.NArg() != 1 || *out == "" {
		log.Fatal("usage: cmixbuild [-bits N] [-mincount N] [-rate N] [-version N] [-desc TEXT] -o MODEL TRAIN.idx")
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
	var seen [256]bool
	for _, b := range d.Data {
		seen[b] = true
	}
	var levels []byte
	for v, s := range seen {
		if s {
			levels = append(levels, byte(v))
		}
	}
	if len(levels) > 128 {
		levels = levels[:0]
		for v := range 256 {
			levels = append(levels, byte(v))
		}
	}
	s := d.Shape
	p := cmix.DefaultParams(s.W, s.H, s.C, levels)
	p.TableBits, p.MinCount, p.MixRate, p.Version = *bits, *minCount, *rate, *version
	cm, err := cmix.New(p)
	if err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	cm.Prime(d.Data, 1, nil)
	if *desc == "" {
		*desc = fmt.Sprintf("cmixbuild -bits %d -mincount %d -rate %d: adaptive context mixing (cmix, version %d) of %dx%dx%d records, %d levels, primed on the %d MNIST training images",
			*bits, *minCount, *rate, p.Version, s.W, s.H, s.C, len(levels), d.Len())
	}
	m, err := vae.NewCMix(cm, *desc)
	if err != nil {
		log.Fatal(err)
	}
	w, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := m.WriteTo(w); err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	h := m.Hash()
	fmt.Printf("wrote %s in %v: %d bytes, sha256 %x\n", *out, time.Since(start).Round(time.Second), len(m.File()), h)
}
