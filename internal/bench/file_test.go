package bench

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// idxFile returns an IDX file of n records of h x w bytes.
func idxFile(n, h, w int) ([]byte, []byte) {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 8, 3})
	for _, d := range []int{n, h, w} {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	recs := make([]byte, n*h*w)
	for i := range recs {
		recs[i] = byte(i * 7)
	}
	b.Write(recs)
	return b.Bytes(), recs
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	idx, recs := idxFile(5, 28, 28)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(idx)
	zw.Close()
	raw := bytes.Repeat([]byte{0, 1, 1}, 1000)
	files := map[string][]byte{"a.idx": idx, "a.idx.gz": gz.Bytes(), "raw.bin": raw}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"a.idx", "a.idx.gz"} {
		sets, err := LoadFile(filepath.Join(dir, name), []string{"8bit", "threshold"})
		if err != nil {
			t.Fatal(err)
		}
		s := sets[0]
		if s.Name != name+" 8bit" || !bytes.Equal(s.Data, recs) || s.Height != 28 || s.Width != 28 || s.Records() != 5 || s.Model != "mnist-cm" {
			t.Errorf("%s: set %q, %d bytes, %dx%d, %d records, model %q", name, s.Name, len(s.Data), s.Width, s.Height, s.Records(), s.Model)
		}
		if b := sets[1]; !b.Binarized || b.Model != "mnist-bin-ar" || b.Data[len(b.Data)-1] > 1 {
			t.Errorf("%s: threshold set not binarized or model %q", name, b.Model)
		}
	}
	sets, err := LoadFile(filepath.Join(dir, "raw.bin"), []string{"8bit"})
	if err != nil {
		t.Fatal(err)
	}
	// 3000 bytes: 3 whole records of 0s and 1s, then a partial one.
	if s := sets[0]; !bytes.Equal(s.Data, raw) || s.Width != 0 || s.Records() != 3 || s.Model != "mnist-bin-ar" {
		t.Errorf("raw: %d bytes, width %d, %d records, model %q", len(s.Data), s.Width, s.Records(), s.Model)
	}
	rep, err := Run(Config{Sets: sets, External: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Skipped == "" && !r.Verified {
			t.Errorf("%s: no round trip", r.Method)
		}
		if r.Kind == Image && r.Skipped == "" {
			t.Errorf("JPEG XL ran on records with no image shape")
		}
	}
	if _, err := LoadFile(filepath.Join(dir, "raw.bin"), []string{"9bit"}); !errors.Is(err, ErrUnknownSet) {
		t.Errorf("unknown set: %v", err)
	}
}

func TestTile(t *testing.T) {
	for _, c := range []struct{ n, cols, rows int }{{1, 1, 1}, {2, 2, 1}, {5, 3, 2}, {100, 10, 10}, {10000, 100, 100}, {10001, 101, 100}} {
		if cols, rows := tileGrid(c.n); cols != c.cols || rows != c.rows {
			t.Errorf("tileGrid(%d) = %d, %d; want %d, %d", c.n, cols, rows, c.cols, c.rows)
		}
	}
	s := &Set{Data: []byte{1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1}, RecordSize: 4, Height: 2, Width: 2, Binarized: true}
	pix, w, h := tile(s)
	want := []byte{
		255, 0, 0, 255,
		0, 255, 255, 0,
		255, 255, 0, 0,
		255, 255, 0, 0,
	}
	if w != 4 || h != 4 || !bytes.Equal(pix, want) {
		t.Fatalf("tile: %dx%d %v, want 4x4 %v", w, h, pix, want)
	}
	got, gw, gh, err := parsePGM(pgm(pix, w, h))
	if err != nil || gw != w || gh != h || !bytes.Equal(got, pix) {
		t.Fatalf("PGM round trip: %v", err)
	}
	if _, _, _, err := parsePGM([]byte("P5\n# comment\n2 1\n255\n\x01\x02")); err != nil {
		t.Errorf("PGM with a comment: %v", err)
	}
	for _, bad := range []string{"P6\n1 1\n255\n\x00", "P5\n2 2\n255\n\x00", "P5\n1 1\n65535\n\x00\x00", "P5\n1"} {
		if _, _, _, err := parsePGM([]byte(bad)); err == nil {
			t.Errorf("parsePGM(%q): no error", bad)
		}
	}
}

func TestRates(t *testing.T) {
	// Records of 2 dims: 10 bits for the first, then 2 bits each.
	tr := &Trace{Dims: 2, Bits: []int64{0, 10, 12, 14, 16}}
	record, moving, cum := tr.Rates(2)
	want := [][]float64{{5, 1, 1, 1}, {5, 3, 1, 1}, {5, 3, 14.0 / 6, 2}}
	if diff := cmp.Diff(want, [][]float64{record, moving, cum}); diff != "" {
		t.Errorf("rates per record, moving, cumulative (-want +got):\n%s", diff)
	}
}

// TestExternal runs the command-line compressors and JPEG XL on a few
// MNIST images, where they are installed.
func TestExternal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs processes")
	}
	sets, err := LoadMNIST([]string{"threshold"}, 100)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(Config{Sets: sets, External: true, JXLEffort: 3})
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, r := range rep.Results {
		switch {
		case r.Skipped != "":
			t.Logf("%s: skipped: %s", r.Method, r.Skipped)
		case !r.Verified:
			t.Errorf("%s: no round trip", r.Method)
		default:
			ran++
			if r.Kind == Image && r.Note != "cjxl -d 0 -P 15 -e 3; 10x10 tiles, 280x280 pixels, 0/255" {
				t.Errorf("JPEG XL note %q", r.Note)
			}
		}
	}
	if want := len(sets[0].Models) + len(classicCodecs) + len(externalTools) + 1; len(rep.Results) != want {
		t.Errorf("%d results, want %d", len(rep.Results), want)
	}
	t.Logf("%d of %d methods ran", ran, len(rep.Results))
}
