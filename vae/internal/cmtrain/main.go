// Command cmtrain builds a context-mix model (vae.BuildContextMix) from a
// built-in bernoulli-ar model and the 8-bit MNIST training images, and
// reports its negative ELBO. The built-in mnist-cm is
//
//	go run ./vae/internal/cmtrain -o vae/models/mnist-cm.bbm
//
// (all 60,000 training images); -n 50000 -on heldout fits on the first
// 50,000 and evaluates on the last 10,000.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/bbans/bbans/vae"
)

func main() {
	base := flag.String("base", "mnist-bin-ar", "built-in bernoulli-ar model whose nets to use")
	n := flag.Int("n", 60000, "fit on the first N training images")
	on := flag.String("on", "", "evaluate on: heldout (last 10,000 training images), test, or nothing")
	out := flag.String("o", "", "write the model to this file")
	cfg := vae.DefaultCMConfig
	flag.Float64Var(&cfg.Alpha, "alpha", cfg.Alpha, "smoothing towards the coarser context")
	flag.IntVar(&cfg.MinCount, "min", cfg.MinCount, "fewest decisions for a table entry")
	flag.IntVar(&cfg.Epochs, "epochs", cfg.Epochs, "epochs of the weight fit")
	flag.Float64Var(&cfg.LR, "lr", cfg.LR, "initial learning rate of the weight fit")
	flag.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "seed of the training records' latent draws")
	flag.Parse()
	log.SetFlags(0)
	start := time.Now()
	cfg.Progress = func(s string) { log.Printf("%6.1fs %s", time.Since(start).Seconds(), s) }
	b, err := vae.Builtin(*base)
	if err != nil {
		log.Fatal(err)
	}
	train, err := vae.LoadMNIST("train")
	if err != nil {
		log.Fatal(err)
	}
	cfg.Description = fmt.Sprintf("28x28 images, bytes 0..255 (8-bit), e.g. MNIST; context mixing over causal neighbours with the nets of %s; tables and weights from the first %d MNIST training images (alpha %g, min count %d, %d epochs, lr %g, seed %d)",
		*base, *n, cfg.Alpha, cfg.MinCount, cfg.Epochs, cfg.LR, cfg.Seed)
	m, err := vae.BuildContextMix(b, train.Slice(0, *n), cfg)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("model file: %d bytes", len(m.File()))
	if *out != "" {
		if err := os.WriteFile(*out, m.File(), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	var ev *vae.Dataset
	switch *on {
	case "heldout":
		ev = train.Slice(train.Len()-10000, train.Len())
	case "test":
		if ev, err = vae.LoadMNIST("test"); err != nil {
			log.Fatal(err)
		}
	case "":
		return
	default:
		log.Fatalf("unknown -on %q", *on)
	}
	c, err := m.NegELBO(ev, 0x6262616e73)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("%s: %v", *on, c)
}
