// Command vaequant quantises a float checkpoint written by vaetrain into a
// model file and reports the float and integer negative ELBO (bits/dim)
// on held-out or test images.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
	"github.com/bbans/bbans/vae/train"
)

func main() {
	var (
		in    = flag.String("in", "", "float checkpoint")
		out   = flag.String("out", "", "model file to write (optional)")
		model = flag.String("model", "", "evaluate this model file instead of quantising")
		on    = flag.String("on", "heldout", "heldout (last 10,000 training images) or test")
		bin   = flag.String("binarize", "threshold,sampled", "binarizations to evaluate (Bernoulli models)")
		k     = flag.Uint("k", 12, "latent bucket bits")
		q     = flag.Float64("quantile", 0.9999, "activation calibration quantile")
		n     = flag.Int("n", 0, "evaluate only the first n images")
		desc  = flag.String("desc", "", "model description")
		noFl  = flag.Bool("nofloat", false, "skip the float figure")
	)
	flag.Parse()
	trainSet, err := dataset.LoadMNIST("train")
	if err != nil {
		log.Fatal(err)
	}
	var evalSet *dataset.Dataset
	if *on == "test" {
		if evalSet, err = dataset.LoadMNIST("test"); err != nil {
			log.Fatal(err)
		}
	} else {
		evalSet = trainSet.Slice(trainSet.Len()-dataset.MNISTHeldout, trainSet.Len())
	}
	if *n > 0 {
		evalSet = evalSet.Slice(0, *n)
	}
	var f *train.FloatModel
	var m *vae.Model
	if *model != "" {
		b, err := os.ReadFile(*model)
		if err != nil {
			log.Fatal(err)
		}
		if m, err = vae.ParseModel(b); err != nil {
			log.Fatal(err)
		}
	} else {
		fh, err := os.Open(*in)
		if err != nil {
			log.Fatal(err)
		}
		f, err = train.ReadFloat(fh)
		fh.Close()
		if err != nil {
			log.Fatal(err)
		}
		cal := trainSet.Slice(0, 5000)
		if f.Arch.Likelihood.Binary() {
			cal = dataset.Sample(cal, 12345)
		}
		t0 := time.Now()
		m, err = train.Quantize(f, train.QuantizeConfig{BucketBits: *k, Calibration: cal, Quantile: *q, Description: *desc})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("quantised %v in %v\n", f.Arch, time.Since(t0).Round(time.Millisecond))
		if *out != "" {
			if err := os.WriteFile(*out, m.File(), 0o644); err != nil {
				log.Fatal(err)
			}
		}
	}
	h := m.Hash()
	fmt.Printf("model %v, %d bytes, sha256 %x\n", m.Arch, len(m.File()), h)
	sets := []string{"none"}
	if m.Arch.Likelihood.Binary() {
		sets = strings.Split(*bin, ",")
	}
	for _, s := range sets {
		b, err := dataset.ParseBinarization(s)
		if err != nil {
			log.Fatal(err)
		}
		d, err := dataset.Binarize(evalSet, b)
		if err != nil {
			log.Fatal(err)
		}
		fl := 0.0
		if f != nil && !*noFl {
			fl = f.NegELBO(d, 1)
		}
		t0 := time.Now()
		c, err := m.NegELBO(d, 1)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s %s: float %.4f  integer %s  (%+.2f%%, %v)\n", *on, s, fl, c, 100*(c.BitsPerByte()/fl-1),
			time.Since(t0).Round(time.Millisecond))
	}
}
