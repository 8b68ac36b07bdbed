// Command vaetrain trains the float VAE of package vae and writes a float
// checkpoint; it is how the built-in models were made until `bbans train`
// exists. Progress goes to standard error, one line per epoch.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
	"github.com/bbans/bbans/vae/train"
)

func ints(s string) []int {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '-' }) {
		n, err := strconv.Atoi(f)
		if err != nil {
			log.Fatalf("bad width list %q", s)
		}
		out = append(out, n)
	}
	return out
}

func main() {
	var (
		enc     = flag.String("enc", "500", "encoder hidden widths, comma separated")
		dec     = flag.String("dec", "500", "decoder hidden widths, comma separated")
		latent  = flag.Int("latent", 50, "latent dimensions")
		lik     = flag.String("lik", "bernoulli", "likelihood: bernoulli, bernoulli-ar, logistic or logistic-ar")
		comps   = flag.Int("k", 1, "logistic mixture components")
		bin     = flag.String("binarize", "dynamic", "none, threshold, sampled, dynamic or mixed")
		epochs  = flag.Int("epochs", 100, "epochs")
		bs      = flag.Int("batch", 100, "batch size")
		lr      = flag.Float64("lr", 1e-3, "initial learning rate")
		seed    = flag.Uint64("seed", 1, "seed")
		out     = flag.String("out", "model.float", "output float checkpoint")
		initF   = flag.String("init", "", "continue from this float checkpoint")
		stop    = flag.Int("stop", 0, "stop after this epoch (the schedule stays that of -epochs)")
		subset  = flag.Int("n", 0, "use only the first n training images (0: all 50,000)")
		heldout = flag.Int("heldout", dataset.MNISTHeldout, "held-out images (last of the 60,000 training images)")
	)
	flag.Parse()
	a := vae.Arch{RecordSize: 784, EncHidden: ints(*enc), DecHidden: ints(*dec), Latent: *latent, Components: *comps}
	b, err := dataset.ParseBinarization(*bin)
	if err != nil {
		log.Fatal(err)
	}
	switch *lik {
	case "bernoulli":
		a.Likelihood, a.Components = vae.Bernoulli, 1
	case "bernoulli-ar":
		a.Likelihood, a.Components = vae.BernoulliAR, 1
	case "logistic":
		a.Likelihood = vae.Logistic
	case "logistic-ar":
		a.Likelihood = vae.LogisticAR
	default:
		log.Fatalf("unknown likelihood %q", *lik)
	}
	all, err := dataset.LoadMNIST("train")
	if err != nil {
		log.Fatal(err)
	}
	tr := all.Slice(0, all.Len()-*heldout)
	ho := all.Slice(all.Len()-*heldout, all.Len())
	if *subset > 0 {
		tr = tr.Slice(0, *subset)
	}
	cfg := train.TrainConfig{Arch: a, Epochs: *epochs, BatchSize: *bs, LR: *lr, Seed: *seed, Binarization: b, StopAfter: *stop}
	if a.Likelihood.Binary() {
		th, _ := dataset.Binarize(ho, dataset.Threshold)
		sa, _ := dataset.Binarize(ho, dataset.Sampled)
		if b == dataset.Threshold {
			cfg.Heldout = []train.EvalSet{{Name: "threshold", Data: th}, {Name: "sampled", Data: sa}}
		} else {
			cfg.Heldout = []train.EvalSet{{Name: "sampled", Data: sa}, {Name: "threshold", Data: th}}
		}
	} else {
		cfg.Heldout = []train.EvalSet{{Name: "8bit", Data: ho}}
	}
	if *initF != "" {
		f, err := os.Open(*initF)
		if err != nil {
			log.Fatal(err)
		}
		cfg.Init, err = train.ReadFloat(f)
		f.Close()
		if err != nil {
			log.Fatal(err)
		}
	}
	ei, di := a.MACs()
	fmt.Fprintf(os.Stderr, "arch %v, %d+%d MACs, %d train / %d held out, binarize %v, %d epochs, seed %d\n",
		a, ei, di, tr.Len(), ho.Len(), b, *epochs, *seed)
	save := func(m *train.FloatModel) {
		f, err := os.Create(*out + ".tmp")
		if err != nil {
			log.Fatal(err)
		}
		if err := m.WriteFloat(f); err != nil {
			log.Fatal(err)
		}
		f.Close()
		os.Rename(*out+".tmp", *out)
	}
	m, err := train.Train(cfg, tr, func(p train.Progress) {
		if !p.EpochDone {
			return
		}
		var hs []string
		for i, h := range p.Heldout {
			hs = append(hs, fmt.Sprintf("%s %.4f", cfg.Heldout[i].Name, h))
		}
		best := ""
		if p.Best {
			best = " *"
			save(p.Model)
		}
		fmt.Fprintf(os.Stderr, "epoch %3d/%d  train %.4f  heldout %s  lr %.2g  %.0f rec/s  %v%s\n",
			p.Epoch, p.Epochs, p.TrainBPD, strings.Join(hs, " "), p.LearningRate, p.RecordsPerSec,
			p.Elapsed.Round(time.Second), best)
	})
	if err != nil {
		log.Fatal(err)
	}
	save(m)
}
