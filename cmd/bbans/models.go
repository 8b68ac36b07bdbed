package main

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

func init() {
	register(&command{name: "models", summary: "list the built-in models", run: runModels})
}

func runModels(e *env, args []string) int {
	var long bool
	fs := newFlags(e, "models", "models [-l]")
	boolFlag(fs, &long, "show full hashes, architectures and descriptions", "l", "long")
	operands, code, stop := parseFlags(e, fs, args)
	if stop {
		return code
	}
	if len(operands) > 0 {
		return usageError(e, "models", "unexpected argument %q", operands[0])
	}
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSHA256\tRECORD\tLATENT\tDATA\tFILE\tDEFAULT FOR")
	for _, b := range vae.Builtins() {
		m, err := vae.Builtin(b.Name)
		if err != nil {
			return report(e, b.Name, err)
		}
		h := m.Hash()
		hash := hex.EncodeToString(h[:])
		if !long {
			hash = hash[:16]
		}
		def := ""
		switch b.Name {
		case stream.DefaultModel:
			def = fmt.Sprintf("binarized, levels -%d..-%d", stream.MinLevel, stream.BestLevel-1)
		case stream.BestModel:
			def = fmt.Sprintf("binarized, levels -%d..-%d", stream.BestLevel, stream.MaxLevel)
		case stream.DefaultModel8Bit:
			def = fmt.Sprintf("8-bit, levels -%d..-%d", stream.MinLevel, stream.BestLevel-1)
		case stream.BestModel8Bit:
			def = fmt.Sprintf("8-bit, levels -%d..-%d", stream.BestLevel, stream.MaxLevel)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d bytes\t%d\t%s\t%d bytes\t%s\n", b.Name, hash, m.RecordSize(), m.LatentSize(), dataFor(b, m), len(m.File()), def)
	}
	tw.Flush()
	for line := range strings.Lines(table.String()) { // without the padding of an empty last column
		fmt.Fprintln(e.stdout, strings.TrimRight(line, " \n"))
	}
	if long {
		for _, b := range vae.Builtins() {
			m, _ := vae.Builtin(b.Name)
			fmt.Fprintf(e.stdout, "\n%s: %v, %d latent buckets\n", b.Name, m.Arch, 1<<m.BucketBits)
			if m.Description != "" {
				fmt.Fprintf(e.stdout, "  %s\n", m.Description)
			}
		}
	}
	return exitOK
}

// dataFor says what data a built-in model is for.
func dataFor(b vae.BuiltinInfo, m *vae.Model) string {
	var bins []string
	for _, x := range b.Binarizations {
		if x == dataset.None {
			bins = append(bins, "8-bit")
		} else {
			bins = append(bins, x.String())
		}
	}
	kind := "8-bit images, 0..255"
	if m.Arch.Likelihood.Binary() {
		kind = "binarized images, bytes 0/1 (" + strings.Join(bins, ", ") + ")"
	} else if len(bins) > 0 {
		kind = "images, bytes 0..255 (" + strings.Join(bins, ", ") + ")"
	}
	if m.RecordSize() == 784 {
		kind = "28x28 " + kind + ", e.g. MNIST"
	}
	return kind
}
