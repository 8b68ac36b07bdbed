package main

import (
	"fmt"
	"io"
	"time"

	"github.com/bbans/bbans/vae"
)

// trainCM builds a context-mix model (vae.BuildContextMix): the nets of
// a trained bernoulli-ar model, tables and mixing weights fitted to the
// 8-bit training records in a couple of minutes. runTrain has checked
// -o, -T and existing outputs.
func trainCM(e *env, tf *trainFlags) int {
	if tf.bin != "none" {
		return usageError(e, "train", "a context-mix model codes 8-bit records; drop --binarize")
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
		return usageError(e, "train", "--lik context-mix keeps the nets of --base %s, which codes %d-byte records, not %d; give --base a bernoulli-ar model of %d-byte records, or use --lik cmix (the default), which needs no nets",
			base, bm.Arch.RecordSize, tr.RecordSize, tr.RecordSize)
	}
	cfg := vae.DefaultCMConfig
	cfg.Seed = tf.seed
	cfg.Description = tf.desc
	if cfg.Description == "" {
		n := ""
		if tf.n > 0 {
			n = fmt.Sprintf(" -n %d", tf.n)
		}
		cfg.Description = fmt.Sprintf("bbans train --lik context-mix --base %s --data %s --heldout %d%s --seed %d: context mixing over the nets of %s (%v), tables and weights from %d records (alpha %g, min count %d, %d epochs from lr %g)",
			base, tf.data, ho.Len(), n, tf.seed, base, bm.Arch, tr.Len(), cfg.Alpha, cfg.MinCount, cfg.Epochs, cfg.LR)
	}
	start := time.Now()
	cfg.Progress = func(s string) {
		fmt.Fprintf(e.stderr, "%6.1fs %s\n", time.Since(start).Seconds(), s)
	}
	fmt.Fprintf(e.stderr, "bbans: context mixing over the nets of %s on %d records of %s, %d held out\n", base, tr.Len(), tf.data, ho.Len())
	m, err := vae.BuildContextMix(bm, tr, cfg)
	if err != nil {
		return report(e, "", err)
	}
	if ho.Len() > 0 {
		c, err := m.NegELBO(ho, 1)
		if err != nil {
			return report(e, "", err)
		}
		fmt.Fprintf(e.stderr, "held out: %v\n", c)
	}
	if err := writeFile(tf.out, tf.force, func(w io.Writer) error { _, err := m.WriteTo(w); return err }); err != nil {
		return report(e, "", err)
	}
	h := m.Hash()
	fmt.Fprintf(e.stderr, "wrote %s: %v, %d bytes, sha256 %x\n", tf.out, m.Arch, len(m.File()), h)
	return exitOK
}
