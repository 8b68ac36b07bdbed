package main

import (
	"fmt"
	"io"
	"time"

	"github.com/bbans/bbans/vae/dataset"
	"github.com/bbans/bbans/vae/train"
)

// calibrationRecords is how many training records set the activation
// ranges of the integer model, as vae/internal/vaequant does.
const calibrationRecords = 5000

// calibrationSeed is the sampled binarization of the calibration records
// of binarized models (vaequant's).
const calibrationSeed = 12345

// quantizeAndWrite turns the trained float model into the integer model,
// reports both negative ELBOs on the first held-out set, and writes the
// model file (and the float checkpoint if asked).
func quantizeAndWrite(e *env, tf *trainFlags, f *train.FloatModel, tr *dataset.Dataset, cfg train.TrainConfig) int {
	cal := tr.Slice(0, min(tr.Len(), calibrationRecords))
	if f.Arch.Likelihood.Binary() && cal.MaxValue() > 1 {
		if cfg.Binarization == dataset.Threshold {
			cal, _ = dataset.Binarize(cal, dataset.Threshold)
		} else {
			cal = dataset.Sample(cal, calibrationSeed)
		}
	}
	desc := tf.desc
	if desc == "" {
		desc = fmt.Sprintf("bbans train --data %s --binarize %v --epochs %d --seed %d", tf.data, cfg.Binarization, cfg.Epochs, cfg.Seed)
	}
	start := time.Now()
	m, err := train.Quantize(f, train.QuantizeConfig{BucketBits: tf.bucketBits, Calibration: cal, Quantile: tf.quantile, Description: desc})
	if err != nil {
		return report(e, "", err)
	}
	if len(cfg.Heldout) > 0 {
		h := cfg.Heldout[0]
		fl := f.NegELBO(h.Data, 1)
		c, err := m.NegELBO(h.Data, 1)
		if err != nil {
			return report(e, "", err)
		}
		fmt.Fprintf(e.stderr, "quantised in %.1f s: held out %s float %.4f, integer %.4f bits/dim (%+.2f%%)\n",
			time.Since(start).Seconds(), h.Name, fl, c.BitsPerByte(), 100*(c.BitsPerByte()/fl-1))
	}
	if tf.floatOut != "" {
		if err := writeFile(tf.floatOut, tf.force, f.WriteFloat); err != nil {
			return report(e, "", err)
		}
	}
	if err := writeFile(tf.out, tf.force, func(w io.Writer) error { _, err := m.WriteTo(w); return err }); err != nil {
		return report(e, "", err)
	}
	h := m.Hash()
	fmt.Fprintf(e.stderr, "wrote %s: %v, %d bytes, sha256 %x\n", tf.out, m.Arch, len(m.File()), h)
	return exitOK
}

// writeFile writes a new file through a temporary file, like every output
// of bbans.
func writeFile(name string, force bool, write func(io.Writer) error) error {
	of, err := createOut(name, force)
	if err != nil {
		return err
	}
	defer of.abort()
	if err := write(errWriter{of, name}); err != nil {
		return err
	}
	if err := of.commit(nil, force); err != nil {
		return &outputError{name, err}
	}
	return nil
}
