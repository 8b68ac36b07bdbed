package bench

import (
	"bytes"
	"image/png"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

// smallReport runs a bench of a few hundred MNIST test images with the
// in-process compressors only, once for all the tests that look at it.
var smallReport = func() func(t *testing.T) *Report {
	var rep *Report
	var err error
	return func(t *testing.T) *Report {
		t.Helper()
		if rep == nil && err == nil {
			var sets []*Set
			sets, err = LoadMNIST(nil, 300)
			if err == nil {
				rep, err = Run(Config{Sets: sets, Trace: true})
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
}()

// TestTable checks the shape of a small bench's Markdown table: the
// header, one row per set and method, numbers that parse, and a round trip
// for every row.
func TestTable(t *testing.T) {
	rep := smallReport(t)
	var b bytes.Buffer
	if err := rep.Markdown(&b); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + b.String())
	lines := strings.Split(b.String(), "\n")
	cells := func(line string) []string {
		if !strings.HasPrefix(line, "|") || !strings.HasSuffix(line, "|") {
			t.Fatalf("not a table row: %q", line)
		}
		c := strings.Split(strings.Trim(line, "|"), "|")
		for i := range c {
			c[i] = strings.TrimSpace(c[i])
		}
		return c
	}
	if got := cells(lines[0]); strings.Join(got, ",") != strings.Join(Columns, ",") {
		t.Fatalf("header %q, want %q", got, Columns)
	}
	if got := cells(lines[1]); len(got) != len(Columns) || !strings.HasPrefix(got[0], "---") {
		t.Fatalf("separator %q", lines[1])
	}
	col := map[string]int{}
	for i, c := range Columns {
		col[c] = i
	}
	// Each set has a row per built-in model that codes it and one per
	// classic codec.
	perSet := map[string]int{}
	wantRows := 0
	for _, s := range SetNames {
		b := map[string]dataset.Binarization{"8bit": dataset.None, "threshold": dataset.Threshold, "sampled": dataset.Sampled}[s]
		for _, m := range vae.Builtins() {
			if slices.Contains(m.Binarizations, b) {
				perSet[s]++
			}
		}
		perSet[s] += len(classicCodecs)
		wantRows += perSet[s]
	}
	rows := 0
	seen := map[string]int{}
	for _, line := range lines[2:] {
		if line == "" {
			break
		}
		rows++
		c := cells(line)
		if len(c) != len(Columns) {
			t.Fatalf("row has %d cells, want %d: %q", len(c), len(Columns), line)
		}
		seen[c[col["data"]]]++
		if n, err := strconv.Atoi(c[col["bytes"]]); err != nil || n <= 0 {
			t.Errorf("bytes %q: %v", c[col["bytes"]], err)
		}
		for _, name := range []string{"bits/dim", "compress MB/s", "decompress MB/s"} {
			if v, err := strconv.ParseFloat(c[col[name]], 64); err != nil || v <= 0 {
				t.Errorf("%s %q in %q: not a positive number", name, c[col[name]], line)
			}
		}
		for _, name := range []string{"compress vs bbans", "decompress vs bbans"} {
			s, ok := strings.CutSuffix(c[col[name]], "x")
			if v, err := strconv.ParseFloat(s, 64); !ok || err != nil || v <= 0 {
				t.Errorf("%s %q: not a ratio", name, c[col[name]])
			}
		}
		if c[col["round trip"]] != "ok" {
			t.Errorf("%s %s: round trip %q", c[col["data"]], c[col["method"]], c[col["round trip"]])
		}
		if strings.HasPrefix(c[col["method"]], "bbans") && !strings.Contains(c[col["note"]], "-ELBO") {
			t.Errorf("bbans row %q: want the -ELBO in the note", line)
		}
		if c[col["method"]] == "bbans" {
			if c[col["compress vs bbans"]] != "1.00x" || !strings.Contains(c[col["note"]], "-ELBO") {
				t.Errorf("bbans row %q: want ratio 1.00x and the -ELBO in the note", line)
			}
		}
	}
	if rows != wantRows {
		t.Errorf("%d rows, want %d", rows, wantRows)
	}
	for _, s := range SetNames {
		if seen[s] != perSet[s] {
			t.Errorf("set %s has %d rows, want %d", s, seen[s], perSet[s])
		}
	}
	for _, r := range rep.Results {
		if !r.Verified {
			t.Errorf("%s %s did not round-trip", r.Set, r.Method)
		}
	}
}

// TestTrace checks the chain trace against the model's negative ELBO: the
// long-run rate is close to it and the first records pay the initial bits.
func TestTrace(t *testing.T) {
	rep := smallReport(t)
	if len(rep.Traces) != len(SetNames) {
		t.Fatalf("%d traces, want %d", len(rep.Traces), len(SetNames))
	}
	for _, tr := range rep.Traces {
		if len(tr.Bits) != 301 {
			t.Fatalf("%s: %d lengths, want 301", tr.Set, len(tr.Bits))
		}
		record, _, cum := tr.Rates(Window)
		n := len(record)
		// The steady state: records 100..300 cost about the -ELBO.
		steady := float64(tr.Bits[n]-tr.Bits[100]) / float64((n-100)*tr.Dims)
		if steady < 0.9*tr.NegELBO || steady > 1.1*tr.NegELBO {
			t.Errorf("%s: chain rate %.4f bits/dim far from -ELBO %.4f", tr.Set, steady, tr.NegELBO)
		}
		// The first record gets no bits back: it costs more than a
		// typical one, and the cumulative rate falls towards the -ELBO.
		if record[0] <= steady || cum[0] <= cum[n-1] {
			t.Errorf("%s: first record %.4f, cumulative %.4f -> %.4f: no initial-bits cost", tr.Set, record[0], cum[0], cum[n-1])
		}
		t.Logf("%s: first record %.3f bits/dim, steady %.4f, -ELBO %.4f", tr.Set, record[0], steady, tr.NegELBO)
	}
}

// TestPlot draws the small report and checks that it is a PNG of two rows
// of panels. BBANS_BENCH_PNG=FILE keeps the picture to look at.
func TestPlot(t *testing.T) {
	rep := smallReport(t)
	var b bytes.Buffer
	if err := rep.Plot(&b); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if sz := img.Bounds().Size(); sz.X != 3*6*96 || sz.Y != 2*9*96/2 {
		t.Errorf("image %v, want 3 panels of 6x4.5 inches at 96 dpi a row, 2 rows", sz)
	}
	if f := os.Getenv("BBANS_BENCH_PNG"); f != "" {
		if err := os.WriteFile(f, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{
		{0, 2.5, "0.0 0.5 1.0 1.5 2.0 2.5"},
		{0, 0.9, "0.0 0.2 0.4 0.6 0.8"},
		{0, 0.23, "0.00 0.05 0.10 0.15 0.20"},
		{0, 1.3, "0.0 0.2 0.4 0.6 0.8 1.0 1.2"},
		{0, 30, "0 5 10 15 20 25 30"},
	} {
		var labels []string
		for _, tk := range (niceTicks{}).Ticks(c.lo, c.hi) {
			if tk.Label != "" {
				labels = append(labels, tk.Label)
			}
		}
		if got := strings.Join(labels, " "); got != c.want {
			t.Errorf("Ticks(%v, %v) = %s, want %s", c.lo, c.hi, got, c.want)
		}
	}
}
