package main

import (
	"bytes"
	"fmt"
	"io"
	"math/bits"
	"os/exec"
	"strings"
	"time"

	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/cmix"
	"github.com/bbans/bbans/vae/dataset"

	dbzip2 "github.com/dsnet/compress/bzip2"
)

// trainCMix makes an adaptive context-mixing model (vae.CMix): the shape
// from the IDX header or --shape, the levels from the data, the state
// primed on the training records. It reports the held-out records' archive
// size, as bbans compress would write them, beside xz -9 and bzip2 -9 on
// the same bytes, then primes on the held-out records too, so that the
// model written has seen all of DATA. runTrain has checked -o, -T and
// existing outputs.
func trainCMix(e *env, tf *trainFlags) int {
	tr, ho, err := tf.split()
	if err != nil {
		return report(e, "", err)
	}
	w, h, c := recordShape(tr)
	var seen [256]bool
	for _, d := range [][]byte{tr.Data, ho.Data} {
		for _, b := range d {
			seen[b] = true
		}
	}
	var levels []byte
	for v, s := range seen {
		if s {
			levels = append(levels, byte(v))
		}
	}
	if len(levels) > 128 {
		// Records of many levels are photographs or scans: a byte the
		// training records lack is likely in others, and would escape its
		// record; all 256 cost the tree nothing.
		levels = levels[:0]
		for v := range 256 {
			levels = append(levels, byte(v))
		}
	}
	if len(levels) < 2 {
		levels = append(levels, levels[0]^1) // a constant data set: any second level
		if levels[0] > levels[1] {
			levels[0], levels[1] = levels[1], levels[0]
		}
	}
	p := cmix.DefaultParams(w, h, c, levels)
	p.TableBits = tableBits(len(tr.Data) + len(ho.Data))
	cm, err := cmix.New(p)
	if err != nil {
		return usageError(e, "train", "%v", err)
	}
	fmt.Fprintf(e.stderr, "bbans: adaptive context mixing for %dx%dx%d records, %d levels, on %d records of %s, %d held out\n",
		w, h, c, len(levels), tr.Len(), tf.data, ho.Len())
	start := time.Now()
	prime(e, cm, tr, "priming")
	if ho.Len() > 0 {
		if err := heldoutReport(e, cm, ho, tf.desc); err != nil {
			return report(e, "", err)
		}
		prime(e, cm, ho, "priming on the held-out records")
	}
	desc := tf.desc
	if desc == "" {
		desc = fmt.Sprintf("bbans train %s --heldout %d: adaptive context mixing (cmix) of %dx%dx%d records, %d levels, primed on %d records",
			tf.data, ho.Len(), w, h, c, len(levels), tr.Len()+ho.Len())
	}
	m, err := vae.NewCMix(cm, desc)
	if err != nil {
		return report(e, "", err)
	}
	if err := writeFile(tf.out, tf.force, func(w io.Writer) error { _, err := m.WriteTo(w); return err }); err != nil {
		return report(e, "", err)
	}
	hash := m.Hash()
	fmt.Fprintf(e.stderr, "wrote %s in %v: %v, %d bytes, sha256 %x\n", tf.out, time.Since(start).Round(time.Second), m.Arch, len(m.File()), hash)
	return exitOK
}

// tableBits sizes the counter table to the data: one to two counters per
// byte of it, 2^16 to 2^24 (most contexts of a record are new: a table
// smaller than the data makes them evict the useful ones).
func tableBits(n int) uint {
	return uint(min(max(bits.Len(uint(n)), 16), 24))
}

// prime runs cm over the records of d with a progress bar and an ETA on a
// terminal.
func prime(e *env, cm *cmix.Model, d *dataset.Dataset, what string) {
	start, last := time.Now(), time.Now()
	n := d.Len()
	cm.Prime(d.Data, 1, func(done int) {
		if !e.stderrIsTerminal || time.Since(last) < 250*time.Millisecond && done < n {
			return
		}
		last = time.Now()
		el := time.Since(start)
		eta := time.Duration(float64(el) / float64(done) * float64(n-done))
		const width = 30
		fill := done * width / n
		fmt.Fprintf(e.stderr, "\r%s [%s%s] %d/%d records, %v left\x1b[K", what,
			strings.Repeat("#", fill), strings.Repeat(".", width-fill), done, n, eta.Round(time.Second))
	})
	if e.stderrIsTerminal {
		fmt.Fprint(e.stderr, "\r\x1b[K")
	}
	fmt.Fprintf(e.stderr, "%s: %d records in %.1f s\n", what, n, time.Since(start).Seconds())
}

// heldoutReport compresses the held-out records as bbans compress would
// (chunks, escapes and all) and prints the result beside xz -9 and bzip2
// -9 on the same bytes.
func heldoutReport(e *env, cm *cmix.Model, ho *dataset.Dataset, desc string) error {
	m, err := vae.NewCMix(cm, "held-out check")
	if err != nil {
		return err
	}
	arch, err := stream.EncodeAll(ho.Data, nil, stream.WithModel(stream.FromVAE(m)), stream.WithEncoderConcurrency(0))
	if err != nil {
		return err
	}
	bpd := func(n int) float64 { return 8 * float64(n) / float64(len(ho.Data)) }
	fmt.Fprintf(e.stderr, "held out (%d records, %d bytes): bbans %.4f bits/dim", ho.Len(), len(ho.Data), bpd(len(arch)))
	for _, t := range []struct{ name, cmd string }{{"xz -9", "xz"}, {"bzip2 -9", "bzip2"}} {
		if n, err := toolSize(t.cmd, ho.Data); err == nil {
			fmt.Fprintf(e.stderr, ", %s %.4f", t.name, bpd(n))
		} else if t.cmd == "bzip2" {
			if n, err := goBzip2(ho.Data); err == nil {
				fmt.Fprintf(e.stderr, ", bzip2 -9 (Go) %.4f", bpd(n))
			}
		}
	}
	fmt.Fprintln(e.stderr)
	return nil
}

// toolSize is the size of data compressed by the installed tool at -9.
func toolSize(tool string, data []byte) (int, error) {
	path, err := exec.LookPath(tool)
	if err != nil {
		return 0, err
	}
	cmd := exec.Command(path, "-9", "-c")
	cmd.Stdin = bytes.NewReader(data)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return 0, err
	}
	return out.Len(), nil
}

func goBzip2(data []byte) (int, error) {
	var b bytes.Buffer
	w, err := dbzip2.NewWriter(&b, &dbzip2.WriterConfig{Level: dbzip2.BestCompression})
	if err != nil {
		return 0, err
	}
	if _, err := w.Write(data); err != nil {
		return 0, err
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	return b.Len(), nil
}

// recordShape returns the records' width, height and channels: their
// shape (from --shape or the IDX header, see loadData), else a square if
// the size is one, else one row.
func recordShape(d *dataset.Dataset) (w, h, c int) {
	sh := d.Shape
	if sh.IsZero() {
		sh = dataset.LegacyShape(d.RecordSize)
	}
	return sh.W, sh.H, sh.C
}
