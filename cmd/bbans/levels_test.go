package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestLevels compresses text at a low, the default and a high level: the
// general codec of each level codes it (Zstd at -3, Brotli at the default
// and -19), compress warns that the model coded none of it, and it
// decompresses to the input. --levels lists every level.
func TestLevels(t *testing.T) {
	dir := t.TempDir()
	text := []byte(strings.Repeat("Bits-back coding with ANS, in Go: a general codec codes what no model fits.\n", 200))
	put(t, filepath.Join(dir, "in"), text)
	for _, c := range []struct {
		args  []string
		frame string
	}{{[]string{"-3"}, "zstd"}, {nil, "brotli"}, {[]string{"-19"}, "brotli"}} {
		r := must(t, dir, nil, append(append([]string{"compress", "-f"}, c.args...), "in")...)
		if !bytes.Contains(r.stderr, []byte("warning: the model")) || !bytes.Contains(r.stderr, []byte("coded none of the input")) {
			t.Errorf("compress %v of text: no warning on stderr: %q", c.args, r.stderr)
		}
		if n := frameCount(t, dir, "in.bbans", c.frame); n != 1 {
			t.Errorf("compress %v: %d %s frames, want 1", c.args, n, c.frame)
		}
		if out := must(t, dir, nil, "cat", "in.bbans").stdout; !bytes.Equal(out, text) {
			t.Errorf("compress %v: round trip differs", c.args)
		}
	}
	_, th := mnistIDX(t)
	put(t, filepath.Join(dir, "images"), th[:16+20*784])
	if r := must(t, dir, nil, "compress", "images"); bytes.Contains(r.stderr, []byte("warning")) {
		t.Errorf("compress of MNIST images warns: %q", r.stderr)
	}
	out := must(t, dir, nil, "compress", "--levels").stdout
	if n := bytes.Count(out, []byte("\n")); n != 19 || !bytes.Contains(out, []byte("(default)")) {
		t.Errorf("--levels printed %d lines:\n%s", n, out)
	}
}
