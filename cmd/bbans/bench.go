package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bbans/bbans/internal/bench"
	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

func init() {
	register(&command{
		name:    "bench",
		summary: "compare bbans with gzip, zstd, xz, bzip2 and JPEG XL on MNIST or a file",
		run:     runBench,
	})
}

// runBench is `bbans bench`: every method on every data set in one run,
// a Markdown table on standard output, progress on standard error.
func runBench(e *env, args []string) int {
	data, sets, modelSpec := "mnist", strings.Join(bench.SetNames, ","), ""
	var n, threads int
	effort := bench.DefaultJXLEffort
	var plotFile string
	var noExternal, quiet bool
	fs := newFlags(e, "bench", "bench [--data mnist|fashion-mnist|FILE] [--sets S,...] [-m MODEL] [options]\n\n"+
		"Compresses each data set with bbans (its built-in models, or -m, beside the\n"+
		"model's negative ELBO) and with classic compressors, checks every round trip,\n"+
		"and prints a Markdown table of sizes, bits/dim and speeds.")
	stringFlag(fs, &data, "`DATA`: mnist (the 10,000 test images of GoMNIST), fashion-mnist (its 10,000 test images, from the Debian package dataset-fashion-mnist; 8-bit only unless --sets says otherwise) or a FILE (IDX, gzipped IDX, or raw)", "data")
	stringFlag(fs, &sets, "data sets, comma-separated: "+strings.Join(bench.SetNames, ", ")+
		"; with --data mnist also "+strings.Join(bench.TextSetNames, ", ")+" (this project's sources, README and SPEC; MNIST images with 1 MB of text between them); for a FILE that is not IDX, default: its bytes as they are", "sets")
	stringFlag(fs, &modelSpec, "bench bbans with `MODEL` only: a built-in name or a model file from bbans train (default: every built-in model that fits)", "m", "model")
	intFlag(fs, &n, "use the first `N` MNIST records (0: all)", "n")
	intFlag(fs, &threads, "bbans threads each way (0: all cores)", "T", "threads")
	intFlag(fs, &effort, "cjxl effort `E`, 1 to 9 (9 takes about a minute per 2800x2800 image)", "jxl-effort")
	stringFlag(fs, &plotFile, "write the running rate of a bits-back chain and a bar chart to `FILE.png`", "plot")
	boolFlag(fs, &noExternal, "run only the in-process compressors: no bzip2, xz, zstd or cjxl processes", "no-external")
	boolFlag(fs, &quiet, "no progress on standard error", "q", "quiet")
	mnistDirFlag(fs.FlagSet)
	var shape dataset.Shape
	shapeFlag(fs, &shape, "the records of a raw --data FILE (coded only by models of that shape)")
	operands, code, stop := parseFlags(e, fs, args)
	if stop {
		return code
	}
	if len(operands) > 0 {
		return usageError(e, "bench", "unexpected argument %q", operands[0])
	}
	if effort < 1 || effort > 9 {
		return usageError(e, "bench", "--jxl-effort %d: want 1 to 9", effort)
	}
	if n < 0 || threads < 0 {
		return usageError(e, "bench", "-n and -T must not be negative")
	}
	var model *vae.Model
	if modelSpec != "" {
		var err error
		if _, model, err = loadModel(modelSpec); err != nil {
			return usageError(e, "bench", "-m %s: %s", modelSpec, describe(err))
		}
	}
	names := strings.Split(sets, ",")
	for i := range names {
		names[i] = strings.TrimSpace(names[i])
	}

	var (
		ss  []*bench.Set
		err error
	)
	var textNames []string
	names = slices.DeleteFunc(names, func(name string) bool {
		if bench.IsTextSet(name) {
			textNames = append(textNames, name)
			return true
		}
		return false
	})
	switch {
	case len(textNames) > 0 && data != "mnist":
		return usageError(e, "bench", "--sets %s: with --data mnist only", strings.Join(textNames, ","))
	case data == "mnist" && len(names) == 0:
		// only text sets
	case data == "mnist":
		ss, err = bench.LoadMNIST(names, n)
	case data == "fashion-mnist":
		if !flagGiven(fs.FlagSet, "sets") {
			names = nil
		}
		ss, err = bench.LoadFashionMNIST(names, n)
	default:
		if n != 0 {
			return usageError(e, "bench", "-n applies to MNIST and Fashion-MNIST only")
		}
		if !flagGiven(fs.FlagSet, "sets") {
			names = nil // the file decides: IDX images get every set, other bytes one
		}
		if shape.IsZero() {
			ss, err = bench.LoadFile(data, names)
		} else {
			ss, err = bench.LoadRaw(data, names, shape)
		}
	}
	if err == nil && len(textNames) > 0 {
		var ts []*bench.Set
		ts, err = bench.LoadTextSets(textNames)
		ss = append(ss, ts...)
	}
	if err != nil {
		benchError(e, err)
		if errors.Is(err, bench.ErrUnknownSet) {
			return exitUsage
		}
		return exitFailure
	}

	cfg := bench.Config{
		Sets:      ss,
		Threads:   threads,
		External:  !noExternal,
		JXLEffort: effort,
		Trace:     plotFile != "",
		Model:     model,
		ModelName: vae.ModelNameOf(modelSpec),
	}
	if !quiet {
		cfg.Log = e.stderr
	}
	rep, err := bench.Run(cfg)
	if err != nil {
		benchError(e, err)
		return exitFailure
	}
	if err := rep.Markdown(e.stdout); err != nil {
		benchError(e, err)
		return exitFailure
	}
	if plotFile != "" {
		if err := benchWritePlot(rep, plotFile); err != nil {
			benchError(e, err)
			return exitFailure
		}
		if !quiet {
			fmt.Fprintf(e.stderr, "bench: plot written to %s\n", plotFile)
		}
	}
	for _, r := range rep.Results {
		if r.Skipped == "" && !r.Verified {
			fmt.Fprintf(e.stderr, "bbans bench: %s on %s did not round-trip\n", r.Method, r.Set)
			return exitFailure
		}
	}
	return exitOK
}

// flagGiven reports whether the flag name was given on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// benchWritePlot draws the report into file, through a temporary file
// beside it, so that a failed run leaves no half-written picture.
func benchWritePlot(rep *bench.Report, file string) error {
	var b bytes.Buffer
	if err := rep.Plot(&b); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".tmp*")
	if err != nil {
		return err
	}
	_, err = f.Write(b.Bytes())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), file)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// benchError prints err, which may come from package bench and name it.
func benchError(e *env, err error) {
	fmt.Fprintf(e.stderr, "bbans bench: %s\n", strings.TrimPrefix(err.Error(), "bench: "))
}
