package bench

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Columns are the columns of the Markdown table, in order.
var Columns = []string{
	"data", "method", "bytes", "bits/dim", "compress MB/s", "decompress MB/s",
	"compress vs bbans", "decompress vs bbans", "round trip", "note",
}

// Rows returns the table's rows: grouped by set in the order of the
// report's sets, and within a set by bits/dim, best first, with the methods
// that did not run last. Speeds are relative to bbans on the same set
// ("0.25x" is four times slower than bbans).
func (rep *Report) Rows() [][]string {
	var rows [][]string
	for _, s := range rep.Sets {
		var rs []*Result
		for i := range rep.Results {
			if rep.Results[i].Set == s.Name {
				rs = append(rs, &rep.Results[i])
			}
		}
		slices.SortStableFunc(rs, func(a, b *Result) int {
			if (a.Skipped == "") != (b.Skipped == "") {
				if a.Skipped == "" {
					return -1
				}
				return 1
			}
			return cmp.Compare(a.BitsPerDim(), b.BitsPerDim())
		})
		ref := rep.bbans(s.Name)
		for _, r := range rs {
			rows = append(rows, row(r, ref))
		}
	}
	return rows
}

// row formats one result.
func row(r, ref *Result) []string {
	if r.Skipped != "" {
		return []string{r.Set, r.Method, "-", "-", "-", "-", "-", "-", "-", "skipped: " + r.Skipped}
	}
	ratio := func(x, y float64) string {
		if y == 0 {
			return "-"
		}
		return strconv.FormatFloat(x/y, 'f', 2, 64) + "x"
	}
	rt := "ok"
	if !r.Verified {
		rt = "FAILED"
	}
	cr, dr := "-", "-"
	if ref != nil {
		cr = ratio(r.CompressMBps(), ref.CompressMBps())
		dr = ratio(r.DecompressMBps(), ref.DecompressMBps())
	}
	return []string{
		r.Set, r.Method, strconv.Itoa(r.Bytes),
		strconv.FormatFloat(r.BitsPerDim(), 'f', 4, 64),
		speed(r.CompressMBps()), speed(r.DecompressMBps()),
		cr, dr, rt, r.Note,
	}
}

// speed formats MB/s with three significant digits or so.
func speed(v float64) string {
	switch {
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// Markdown writes the report as a Markdown table, the columns of Columns,
// followed by a line on the run.
func (rep *Report) Markdown(w io.Writer) error {
	var b strings.Builder
	line := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + strings.ReplaceAll(c, "|", `\|`) + " |")
		}
		b.WriteString("\n")
	}
	line(Columns)
	sep := make([]string, len(Columns))
	for i, c := range Columns {
		switch c {
		case "data", "method", "round trip", "note":
			sep[i] = "---"
		default:
			sep[i] = "---:" // numbers align right
		}
	}
	line(sep)
	for _, r := range rep.Rows() {
		line(r)
	}
	fmt.Fprintf(&b, "\n%s. bbans ran with %d threads, the other compressors on one", rep.describeSets(), rep.Threads)
	if rep.ranJXL() {
		fmt.Fprintf(&b, " except cjxl, which uses all cores (effort %d)", rep.JXLEffort)
	}
	fmt.Fprintf(&b, ". Total time %.1f s.\n", rep.Elapsed.Seconds())
	_, err := io.WriteString(w, b.String())
	return err
}

// describeSets says what the sets held.
func (rep *Report) describeSets() string {
	var parts []string
	for _, s := range rep.Sets {
		parts = append(parts, fmt.Sprintf("%s: %d bytes (%d records of %d)", s.Name, len(s.Data), s.Records(), s.RecordSize))
	}
	return "Data " + strings.Join(parts, ", ")
}

// ranJXL reports whether JPEG XL ran on some set.
func (rep *Report) ranJXL() bool {
	for _, r := range rep.Results {
		if r.Kind == Image && r.Skipped == "" {
			return true
		}
	}
	return false
}
