package bench

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// DefaultJXLEffort is the cjxl effort of `bbans bench`, chosen for the
// two-minute budget of a bench over the three MNIST sets on two cores that
// other work shares. Measured here (cjxl 0.7, the 2800x2800 tiled MNIST
// test set; bits/dim for 8-bit / threshold / sampled, then CPU seconds for
// 8-bit / threshold):
//
//	-e 7          1.463 / 0.1663 /   -       3 s /  2 s
//	-e 7 -P 15    1.182 / 0.1665 / 0.2069    9 s /  3 s
//	-e 8          1.414 / 0.1627 /   -       7 s /  5 s
//	-e 8 -P 15    1.146 / 0.1627 / 0.2049   16 s /  9 s
//	-e 9          1.114 / 0.1623 / 0.204    41 s / 24 s
//
// On 8-bit images most of effort 9's gain comes from choosing the
// predictor per leaf of the context tree (-P 15, which effort 9 does by
// itself), so the bench always passes -P 15. Effort 9 alone would take
// most of the budget, and effort 8 did not fit it on a loaded machine
// (JPEG XL alone took 64 s of wall time), so the default is 7: within 3%
// of effort 8 and 6% of effort 9 on 8-bit MNIST, and 2.6% of effort 9 on
// threshold. --jxl-effort 9 gives the strongest anchor.
const DefaultJXLEffort = 7

// jxlArgs are the options of cjxl besides the effort: lossless, and the
// per-context predictor (see DefaultJXLEffort).
var jxlArgs = []string{"-d", "0", "-P", "15"}

// tileGrid returns the columns and rows of the most square grid that holds
// n tiles: 100x100 for the 10,000 MNIST test images.
func tileGrid(n int) (cols, rows int) {
	cols = int(math.Ceil(math.Sqrt(float64(n))))
	if cols == 0 {
		return 0, 0
	}
	return cols, (n + cols - 1) / cols
}

// tile lays the whole records of s out as one grey image, row-major in a
// grid of tileGrid tiles, padding with zeros; binarized sets are scaled to
// 0 and 255. It returns the pixels and the image's width and height.
func tile(s *Set) (pix []byte, width, height int) {
	n := s.Records()
	cols, rows := tileGrid(n)
	width, height = cols*s.Width, rows*s.Height
	pix = make([]byte, width*height)
	for i := range n {
		rec := s.Data[i*s.RecordSize : (i+1)*s.RecordSize]
		x0, y0 := (i%cols)*s.Width, (i/cols)*s.Height
		for y := range s.Height {
			row := pix[(y0+y)*width+x0 : (y0+y)*width+x0+s.Width]
			copy(row, rec[y*s.Width:(y+1)*s.Width])
			if s.Binarized {
				for x := range row {
					row[x] *= 255
				}
			}
		}
	}
	return pix, width, height
}

// pgm encodes an 8-bit grey image as binary PGM (P5).
func pgm(pix []byte, width, height int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "P5\n%d %d\n255\n", width, height)
	b.Write(pix)
	return b.Bytes()
}

// parsePGM decodes a binary 8-bit PGM as written by djxl.
func parsePGM(b []byte) (pix []byte, width, height int, err error) {
	var vals [3]int
	rest := b
	if !bytes.HasPrefix(rest, []byte("P5")) {
		return nil, 0, 0, fmt.Errorf("bench: not a binary PGM")
	}
	rest = rest[2:]
	for i := range vals {
		// Skip white space and comments, then read a number.
		for len(rest) > 0 && (rest[0] == '#' || isSpace(rest[0])) {
			if rest[0] == '#' {
				j := bytes.IndexByte(rest, '\n')
				if j < 0 {
					return nil, 0, 0, fmt.Errorf("bench: truncated PGM header")
				}
				rest = rest[j:]
			}
			rest = rest[1:]
		}
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if vals[i], err = strconv.Atoi(string(rest[:j])); err != nil {
			return nil, 0, 0, fmt.Errorf("bench: bad PGM header: %v", err)
		}
		rest = rest[j:]
	}
	if len(rest) == 0 || !isSpace(rest[0]) || vals[2] != 255 {
		return nil, 0, 0, fmt.Errorf("bench: PGM is not 8-bit (maxval %d)", vals[2])
	}
	rest = rest[1:]
	width, height = vals[0], vals[1]
	if len(rest) != width*height {
		return nil, 0, 0, fmt.Errorf("bench: PGM has %d pixel bytes, want %d", len(rest), width*height)
	}
	return rest, width, height, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// jxlNames are the programs JPEG XL needs (Debian package libjxl-tools).
var jxlNames = []string{"cjxl", "djxl"}

// runJXL codes the tiled image of s losslessly with cjxl at the given
// effort and back with djxl, in a temporary directory, and fills r.
func runJXL(s *Set, effort int, r *Result) error {
	for _, p := range jxlNames {
		if _, err := exec.LookPath(p); err != nil {
			r.Skipped = p + " not installed (Debian libjxl-tools)"
			return nil
		}
	}
	pix, w, h := tile(s)
	cols, rows := tileGrid(s.Records())
	args := append(append([]string{}, jxlArgs...), "-e", strconv.Itoa(effort))
	r.Note = fmt.Sprintf("cjxl %s; %dx%d tiles, %dx%d pixels", strings.Join(args, " "), cols, rows, w, h)
	if s.Binarized {
		r.Note += ", 0/255"
	}
	dir, err := os.MkdirTemp("", "bbans-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	in, enc, dec := filepath.Join(dir, "in.pgm"), filepath.Join(dir, "out.jxl"), filepath.Join(dir, "out.pgm")
	if err := os.WriteFile(in, pgm(pix, w, h), 0o600); err != nil {
		return err
	}
	d, err := timed(func() error {
		return run("cjxl", append([]string{in, enc, "--quiet"}, args...)...)
	})
	if err != nil {
		return err
	}
	r.Compress = d
	if r.Decompress, err = timed(func() error { return run("djxl", enc, dec, "--quiet") }); err != nil {
		return err
	}
	fi, err := os.Stat(enc)
	if err != nil {
		return err
	}
	r.Bytes = int(fi.Size())
	back, err := os.ReadFile(dec)
	if err != nil {
		return err
	}
	got, gw, gh, err := parsePGM(back)
	if err != nil {
		return err
	}
	r.Verified = gw == w && gh == h && bytes.Equal(got, pix)
	return nil
}

// run runs a program, returning its output as the error if it fails.
func run(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v: %s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}
