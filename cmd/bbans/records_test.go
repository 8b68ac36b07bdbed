package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestCatRecords compresses an IDX file of MNIST images in small chunks and
// reads ranges of records back with cat --records, which decodes only the
// chunks that hold them; info shows the index.
func TestCatRecords(t *testing.T) {
	_, th := mnistIDX(t)
	recs := records(th)
	dir := t.TempDir()
	put(t, filepath.Join(dir, "th.idx"), th)
	must(t, dir, nil, "compress", "--chunk", "40", "th.idx")
	rec := func(lo, hi int) []byte { return recs[lo*784 : hi*784] }
	for _, c := range []struct {
		arg  string
		want []byte
	}{
		{"120:130", rec(120, 130)},
		{"35:45", rec(35, 45)}, // across a chunk boundary
		{"7", rec(7, 8)},
		{"290:", rec(290, 300)},
		{":3", rec(0, 3)},
		{"0:300", rec(0, 300)},
		{"5:5", nil},
	} {
		if out := must(t, dir, nil, "cat", "--records", c.arg, "th.idx.bbans").stdout; !bytes.Equal(out, c.want) {
			t.Errorf("--records %s: %d bytes, want %d", c.arg, len(out), len(c.want))
		}
	}
	for _, bad := range []string{"9:3", "x", "-1:4", ""} {
		if r := bbans(t, dir, nil, "cat", "--records", bad, "th.idx.bbans"); r.code != exitUsage {
			t.Errorf("--records %q: exit %d, want %d", bad, r.code, exitUsage)
		}
	}
	if r := bbans(t, dir, nil, "cat", "--records", "299:301", "th.idx.bbans"); r.code != exitFailure && r.code != exitCorrupt {
		t.Errorf("records past the end: exit %d", r.code)
	}
	info := string(must(t, dir, nil, "info", "--frames", "th.idx.bbans").stdout)
	if !strings.Contains(info, "index:          9 frames listed") || !strings.Contains(info, "1 index (") {
		t.Errorf("info does not show the index of 1 raw and 8 chunk frames:\n%s", info)
	}
	if strings.Count(info, "\n") < 9+10 {
		t.Errorf("info --frames lists fewer than 9 frames:\n%s", info)
	}
}
