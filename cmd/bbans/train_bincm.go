package main

import (
	"fmt"
	"io"
	"time"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

// trainBinCM builds a bernoulli-cm model (vae.BuildBinCM): the nets and
// table of a trained bernoulli-ar model, adaptive counters primed and
// mixing weights fitted on the 8-bit training images binarized both ways,
// in well under a minute. runTrain has checked -o, -T and existing
// outputs.
func trainBinCM(e *env, tf *trainFlags) int {
	if tf.bin != "none" {
		return usageError(e, "train", "a bernoulli-cm model is fitted to 8-bit images binarized both ways; drop --binarize")
	}
	if tf.countLimit < 0 || tf.countLimit > 1023 {
		return usageError(e, "train", "--count-limit %d: want 0 (no adaptation) to 1023", tf.countLimit)
	}
	cfg, rounded := vae.DefaultBinCMConfig, ", steps rounded"
	switch tf.bcmRecipe {
	case "mnist-bin-cm2":
	case "mnist-bin-cm":
		cfg, rounded = vae.BinCMConfigV1, ""
	default:
		return usageError(e, "train", "--bincm-recipe %q: want mnist-bin-cm2 or mnist-bin-cm", tf.bcmRecipe)
	}
	base := tf.base
	if base == "" {
		base = "mnist-bin-ar"
	}
	_, bm, err := loadModel(base)
	if err != nil {
		return report(e, base, err)
	}
	tr, ho, err := tf.split()
	if err != nil {
		return report(e, "", err)
	}
	if tr.RecordSize != bm.Arch.RecordSize {
		return usageError(e, "train", "--lik bernoulli-cm keeps the nets of --base %s, which codes %d-byte records, not %d",
			base, bm.Arch.RecordSize, tr.RecordSize)
	}
	cfg.Seed = tf.seed
	cfg.Limit = uint32(tf.countLimit)
	cfg.Holdout = min(cfg.Holdout, tr.Len()/6)
	cfg.Description = tf.desc
	if cfg.Description == "" {
		n := ""
		if tf.n > 0 {
			n = fmt.Sprintf(" -n %d", tf.n)
		}
		cfg.Description = fmt.Sprintf("bbans train --lik bernoulli-cm --base %s --data %s --heldout %d%s --count-limit %d --seed %d: adaptive binary context mixing over the nets and table of %s (%v), counters primed on %d records binarized by threshold and sampled, weights fitted on the last %d (%d epochs from lr %d%s)",
			base, tf.data, ho.Len(), n, cfg.Limit, tf.seed, base, bm.Arch, tr.Len(), cfg.Holdout, cfg.Epochs, cfg.LR, rounded)
	}
	start := time.Now()
	cfg.Progress = func(s string) {
		fmt.Fprintf(e.stderr, "%6.1fs %s\n", time.Since(start).Seconds(), s)
	}
	fmt.Fprintf(e.stderr, "bbans: binary context mixing over the nets of %s on %d records of %s, %d held out\n", base, tr.Len(), tf.data, ho.Len())
	m, err := vae.BuildBinCM(bm, tr, cfg)
	if err != nil {
		return report(e, "", err)
	}
	if ho.Len() > 0 {
		for _, b := range []dataset.Binarization{dataset.Threshold, dataset.Sampled} {
			d, err := dataset.Binarize(ho, b)
			if err != nil {
				return report(e, "", err)
			}
			c, err := m.NegELBO(d, 1)
			if err != nil {
				return report(e, "", err)
			}
			fmt.Fprintf(e.stderr, "held out, %v: %v\n", b, c)
		}
	}
	if err := writeFile(tf.out, tf.force, func(w io.Writer) error { _, err := m.WriteTo(w); return err }); err != nil {
		return report(e, "", err)
	}
	h := m.Hash()
	fmt.Fprintf(e.stderr, "wrote %s: %v, %d bytes, sha256 %x\n", tf.out, m.Arch, len(m.File()), h)
	return exitOK
}
