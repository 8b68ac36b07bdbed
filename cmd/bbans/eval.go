package main

import (
	"fmt"
	"time"

	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

func init() {
	register(&command{name: "eval", summary: "report a model's exact negative ELBO in bits/dim (default: built-ins on MNIST test)", run: runEval})
}

// evalCase is one model on one binarization of the data.
type evalCase struct {
	model string // -m spec
	bin   dataset.Binarization
}

func runEval(e *env, args []string) int {
	var modelSpec, binSpec string
	data := "mnist-test"
	var n, recordSize int
	var shape dataset.Shape
	seed := uint64(1)
	fs := newFlags(e, "eval", "eval [-m MODEL] [--binarize none|threshold|sampled] [--data mnist-test|FILE] [-n N]")
	stringFlag(fs, &modelSpec, "`MODEL`: a built-in name or a model file (default: the built-in model for the data)", "m", "model")
	stringFlag(fs, &binSpec, "`METHOD`: none, threshold or sampled (default: each the model is for)", "binarize")
	stringFlag(fs, &data, "`DATA`: mnist-test, mnist-heldout, mnist-trainset, mnist-train or an IDX or raw file", "data")
	intFlag(fs, &recordSize, "read --data as a raw file of `N`-byte records", "record-size")
	shapeFlag(fs, &shape, "the records of --data")
	mnistDirFlag(fs.FlagSet)
	intFlag(fs, &n, "use only the first `N` records (0: all)", "n")
	fs.Uint64Var(&seed, "seed", seed, "`SEED` of the posterior draws that stand in for the message's bits")
	operands, code, stop := parseFlags(e, fs, args)
	if stop {
		return code
	}
	if len(operands) > 0 {
		return usageError(e, "eval", "unexpected argument %q", operands[0])
	}
	if n < 0 || recordSize < 0 {
		return usageError(e, "eval", "-n and --record-size must not be negative")
	}
	var cases []evalCase
	var bin dataset.Binarization
	if binSpec != "" {
		var err error
		bin, err = dataset.ParseBinarization(binSpec)
		if err != nil || bin > dataset.Sampled {
			return usageError(e, "eval", "--binarize %q: want none, threshold or sampled", binSpec)
		}
	}
	switch {
	case modelSpec == "" && binSpec == "":
		// Every built-in model on every binarization it is for.
		for _, b := range vae.Builtins() {
			for _, x := range b.Binarizations {
				cases = append(cases, evalCase{b.Name, x})
			}
		}
	case modelSpec == "":
		cases = []evalCase{{defaultModelFor(bin), bin}}
	case binSpec != "":
		cases = []evalCase{{modelSpec, bin}}
	default:
		_, m, err := loadModel(modelSpec)
		if err != nil {
			fmt.Fprintf(e.stderr, "bbans: -m %s: %s\n", modelSpec, describe(err))
			return exitUsage
		}
		if m.Arch.Likelihood.Binary() {
			cases = []evalCase{{modelSpec, dataset.Threshold}, {modelSpec, dataset.Sampled}}
		} else {
			cases = []evalCase{{modelSpec, dataset.None}}
		}
	}

	d, err := loadData(data, recordSize, shape, false)
	if err != nil {
		return report(e, "", err)
	}
	if n > 0 && n < d.Len() {
		d = d.Slice(0, n)
	}
	code = exitOK
	for _, c := range cases {
		code = worst(code, evalOne(e, c, d, data, seed))
	}
	return code
}

func evalOne(e *env, c evalCase, d *dataset.Dataset, dataName string, seed uint64) int {
	_, m, err := loadModel(c.model)
	if err != nil {
		fmt.Fprintf(e.stderr, "bbans: -m %s: %s\n", c.model, describe(err))
		return exitUsage
	}
	bd, err := binarize(d, c.bin)
	if err != nil {
		return report(e, dataName, err)
	}
	start := time.Now()
	cost, err := m.NegELBO(bd, seed)
	if err != nil {
		return report(e, c.model, err)
	}
	how := c.bin.String()
	if c.bin == dataset.None {
		how = "8-bit"
	}
	fmt.Fprintf(e.stdout, "%s on %s (%s): %s, %.1f s\n", c.model, dataName, how, cost, time.Since(start).Seconds())
	return exitOK
}

// defaultModelFor returns the built-in model a Writer picks for data of
// binarization b: the first in stream's order of preference whose
// likelihood is binary exactly when b binarizes.
func defaultModelFor(b dataset.Binarization) string {
	for _, m := range stream.Models() {
		if vm, err := vae.Builtin(m.Name()); err == nil && vm.Arch.Likelihood.Binary() == (b != dataset.None) {
			return m.Name()
		}
	}
	return stream.DefaultModel
}
