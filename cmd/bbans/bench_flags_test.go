package main

import (
	"bytes"
	"encoding/binary"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bbans/bbans/vae"
)

// TestBenchFlags runs bench as the other commands parse flags (--data,
// -T0, -q) and with -m: a model file, the only bbans row, named in the
// table; a model of another record size skips the bbans row.
func TestBenchFlags(t *testing.T) {
	dir := t.TempDir()
	var idx bytes.Buffer
	idx.Write([]byte{0, 0, 8, 3})
	for _, d := range []uint32{20, 28, 28} {
		binary.Write(&idx, binary.BigEndian, d)
	}
	recs := make([]byte, 20*784)
	for i := range 20 {
		for x := 4; x < 24; x++ {
			recs[i*784+(4+i)*28+x] = 1
		}
	}
	idx.Write(recs)
	put(t, filepath.Join(dir, "bars.idx"), idx.Bytes())
	for _, b := range vae.Builtins() {
		if b.Name == "mnist-bin" {
			put(t, filepath.Join(dir, "my.bbm"), b.File()) // a model file, as from bbans train
		}
	}
	r := must(t, dir, nil, "bench", "--data", "bars.idx", "--sets=8bit", "--no-external", "-qT0", "-m", "my.bbm")
	rows := regexp.MustCompile(`(?m)^\|[^|]*\| bbans[^|]*\|.*$`).FindAll(r.stdout, -1)
	if len(rows) != 1 || !bytes.Contains(rows[0], []byte("model my")) {
		t.Errorf("want one bbans row with model my, got %q in:\n%s", rows, r.stdout)
	}
	if len(r.stderr) != 0 {
		t.Errorf("-q printed %q", r.stderr)
	}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"bench", "--bogus"}, "unknown option --bogus"},
		{[]string{"bench", "-m", "no-such-model"}, "-m no-such-model"},
		{[]string{"bench", "extra"}, `unexpected argument "extra"`},
	} {
		r := bbans(t, dir, nil, c.args...)
		if r.code != exitUsage || !bytes.Contains(r.stderr, []byte(c.msg)) {
			t.Errorf("bbans %s: %v, want exit %d and %q", strings.Join(c.args, " "), r, exitUsage, c.msg)
		}
	}
	if r := must(t, dir, nil, "bench", "-h"); !bytes.Contains(r.stdout, []byte("-m, --model MODEL")) || !bytes.Contains(r.stdout, []byte("--data DATA")) {
		t.Errorf("bench -h:\n%s", r.stdout)
	}
}
