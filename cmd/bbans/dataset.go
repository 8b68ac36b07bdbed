package main

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/bbans/bbans/vae/dataset"
)

func init() {
	register(&command{name: "dataset", summary: "write the MNIST or Fashion-MNIST images used by bbans as an IDX file", run: runDataset})
}

// datasetLoaders are the data sets `bbans dataset` writes, by name: MNIST
// from the GoMNIST module, Fashion-MNIST from the Debian package
// dataset-fashion-mnist (dataset.LoadFashionMNIST names it when it is missing).
var datasetLoaders = map[string]func(split string) (*dataset.Dataset, error){
	"mnist":         dataset.LoadMNIST,
	"fashion-mnist": dataset.LoadFashionMNIST,
}

func runDataset(e *env, args []string) int {
	split, bin, out := "test", "none", ""
	var n int
	var force bool
	fs := newFlags(e, "dataset", "dataset mnist|fashion-mnist [--split test|train] [--binarize none|threshold|sampled] [-n N] -o FILE")
	stringFlag(fs, &split, "`SPLIT`: test (10,000 images) or train (60,000)", "split")
	stringFlag(fs, &bin, "`METHOD`: none (8-bit), threshold (pixel >= 128) or sampled (SPEC.md section 2)", "binarize")
	stringFlag(fs, &out, "write to `FILE` (- for standard output)", "o", "output")
	intFlag(fs, &n, "write only the first `N` images (0: all)", "n")
	boolFlag(fs, &force, "overwrite an existing file", "f", "force")
	mnistDirFlag(fs.FlagSet)
	operands, code, stop := parseFlags(e, fs, args)
	if stop {
		return code
	}
	switch {
	case len(operands) != 1 || datasetLoaders[operands[0]] == nil:
		return usageError(e, "dataset", "want the dataset name mnist or fashion-mnist")
	case out == "":
		return usageError(e, "dataset", "-o FILE is required")
	case split != "test" && split != "train":
		return usageError(e, "dataset", "--split %q: want test or train", split)
	case n < 0:
		return usageError(e, "dataset", "-n %d: want 0 or more", n)
	}
	b, err := dataset.ParseBinarization(bin)
	if err != nil || (b != dataset.None && b != dataset.Threshold && b != dataset.Sampled) {
		return usageError(e, "dataset", "--binarize %q: want none, threshold or sampled", bin)
	}
	if out == "-" && e.stdoutIsTerminal && !force {
		fmt.Fprintf(e.stderr, "bbans: refusing to write binary data to a terminal; use -o FILE or redirect\n")
		return exitUsage
	}

	name := operands[0]
	d, err := datasetLoaders[name](split)
	if err != nil {
		return report(e, name+" "+split, err)
	}
	if n > 0 && n < d.Len() {
		d = d.Slice(0, n)
	}
	// Binarize after cutting: the sampled binarization draws one number
	// per byte in file order, so the first N images come out the same as
	// in the whole set.
	if d, err = dataset.Binarize(d, b); err != nil {
		return report(e, name+" "+split, err)
	}
	if out == "-" {
		if err := writeIDX(errWriter{e.stdout, "standard output"}, d); err != nil {
			return report(e, "", err)
		}
		return exitOK
	}
	of, err := createOut(out, force)
	if err != nil {
		return report(e, "", err)
	}
	defer of.abort()
	if err := writeIDX(errWriter{of, out}, d); err != nil {
		return report(e, "", err)
	}
	if err := of.commit(nil, force); err != nil {
		return report(e, out, err)
	}
	return exitOK
}

// writeIDX writes d as an IDX file of unsigned bytes: magic 0x00 0x00 0x08
// and the number of dimensions, then the big-endian u32 dimensions, then
// the records. 784-byte records get MNIST's own dimensions (n, 28, 28), so
// the test split comes out byte for byte as t10k-images-idx3-ubyte.
func writeIDX(w io.Writer, d *dataset.Dataset) error {
	dims := []uint32{uint32(d.Len()), uint32(d.RecordSize)}
	if d.RecordSize == 28*28 {
		dims = []uint32{uint32(d.Len()), 28, 28}
	}
	hdr := []byte{0, 0, 0x08, byte(len(dims))}
	for _, x := range dims {
		hdr = binary.BigEndian.AppendUint32(hdr, x)
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	_, err := w.Write(d.Data)
	return err
}
