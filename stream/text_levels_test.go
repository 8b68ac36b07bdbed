package stream_test

import (
	"bytes"
	"os/exec"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/bbans/bbans/internal/bench"
	"github.com/bbans/bbans/stream"
)

// TestTextVsZstd codes the bench's text set (this project's Go sources,
// README and SPEC) at each level and checks that the archive is at most
// 1% + 64 bytes larger than klauspost/compress's zstd at the matching
// setting (zstd.EncoderLevelFromZstd) on the whole text. -short checks the
// Zstandard levels; without it, the Brotli ones too (a minute or two). With -v it prints the table, and zstd -19's size when the
// zstd tool is installed.
func TestTextVsZstd(t *testing.T) {
	sets, err := bench.LoadTextSets([]string{"text"})
	if err != nil {
		t.Fatal(err)
	}
	text := sets[0].Data
	// One level of each general setting (1-2, 3-5, 6-9, 10-11, 12, 13-16,
	// 17-19): on text the levels of a group differ only in lanes and
	// model effort, which the gate's sample makes moot.
	levels := []int{1, 3, 6, 10}
	if !testing.Short() {
		levels = append(levels, 12, stream.DefaultLevel, 19)
	}
	t.Logf("text: %d bytes", len(text))
	t.Logf("| level | bbans | zstd (klauspost, %s) | ratio |", "matching setting")
	var def int
	for _, n := range levels {
		a, err := stream.EncodeAll(text, nil, stream.WithEncoderLevel(n), stream.WithEncoderConcurrency(1))
		if err != nil {
			t.Fatal(err)
		}
		if n == stream.DefaultLevel {
			def = len(a)
		}
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(n)), zstd.WithEncoderConcurrency(1))
		if err != nil {
			t.Fatal(err)
		}
		z := len(e.EncodeAll(text, nil))
		t.Logf("| %d | %d | %d (%v) | %.4f |", n, len(a), z, zstd.EncoderLevelFromZstd(n), float64(len(a))/float64(z))
		if limit := z + z/100 + 64; len(a) > limit {
			t.Errorf("level %d: %d bytes, more than 1%% + 64 over zstd's %d", n, len(a), z)
		}
	}
	if path, err := exec.LookPath("zstd"); err == nil {
		cmd := exec.Command(path, "-19", "-c")
		cmd.Stdin = bytes.NewReader(text)
		out, err := cmd.Output()
		if err == nil {
			t.Logf("zstd -19 (the tool): %d bytes; the default level (%d) is %.4f times that", len(out), stream.DefaultLevel, float64(def)/float64(len(out)))
		}
	}
}
