package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// frameCount returns how many frames of a type (chunk, stored, tail, raw)
// `bbans info` reports for an archive.
func frameCount(t *testing.T, dir, archive, typ string) int {
	t.Helper()
	out := must(t, dir, nil, "info", archive).stdout
	m := regexp.MustCompile(`(\d+) ` + typ + ` \(`).FindSubmatch(out)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// codedFrames counts the frames of an archive that code content: chunk,
// zstd and brotli frames.
func codedFrames(t *testing.T, dir, archive string) int {
	return frameCount(t, dir, archive, "chunk") + frameCount(t, dir, archive, "zstd") + frameCount(t, dir, archive, "brotli")
}

// roundTrip compresses data as a file, checks the archive with test and
// info, decompresses it to a new file and compares. It returns the
// archive.
func roundTrip(t *testing.T, data []byte, args ...string) (dir string, archive []byte) {
	t.Helper()
	dir = t.TempDir()
	put(t, filepath.Join(dir, "in"), data)
	must(t, dir, nil, append(append([]string{"compress"}, args...), "in")...)
	must(t, dir, nil, "test", "in.bbans")
	must(t, dir, nil, "decompress", "-o", "out", "in.bbans")
	if got := get(t, filepath.Join(dir, "out")); !bytes.Equal(got, data) {
		t.Fatalf("round trip of %d bytes gave %d different bytes", len(data), len(got))
	}
	if got := get(t, filepath.Join(dir, "in")); !bytes.Equal(got, data) {
		t.Fatal("compress changed its input")
	}
	return dir, get(t, filepath.Join(dir, "in.bbans"))
}

func TestRoundTripSmall(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"one byte", []byte{7}},
		{"partial record", randomBytes(500, 1)},
		{"text", bytes.Repeat([]byte("bits back with ANS\n"), 100)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, arc := roundTrip(t, tc.data)
			// Short content is stored verbatim in an archive that names
			// no model; its overhead must stay small.
			if max := len(tc.data) + 64; len(arc) > max {
				t.Errorf("%d bytes compressed to %d, more than %d", len(tc.data), len(arc), max)
			}
			if n := frameCount(t, dir, "in.bbans", "chunk"); n != 0 {
				t.Errorf("%d chunk frames for input shorter than a record", n)
			}
		})
	}
}

// TestRoundTripRandom checks the bound on incompressible input: stored
// chunks, growth at most 0.1% plus 64 bytes.
func TestRoundTripRandom(t *testing.T) {
	data := randomBytes(784*1000+123, 2)
	dir, arc := roundTrip(t, data, "--chunk", "100")
	if max := len(data) + len(data)/1000 + 64; len(arc) > max {
		t.Errorf("%d random bytes compressed to %d, more than %d", len(data), len(arc), max)
	}
	// An archive that names no model merges its stored chunks into frames
	// of up to 1 MiB: the ten chunks here make one.
	if n := frameCount(t, dir, "in.bbans", "stored"); n != 1 {
		t.Errorf("%d stored frames, want 1", n)
	}
	if n := frameCount(t, dir, "in.bbans", "tail"); n != 1 {
		t.Errorf("%d tail frames, want 1", n)
	}
}

func TestRoundTripMNIST(t *testing.T) {
	idx, th := mnistIDX(t)
	const rec = 784
	withSevens := bytes.Clone(records(th))
	for _, i := range []int{3, 1000, rec*50 + 400, rec*299 + 10} {
		withSevens[i] = 7 // bytes the binarized model cannot code: escapes
	}
	for _, tc := range []struct {
		name   string
		data   []byte
		args   []string
		chunks int // coded frames expected (chunk, or zstd/brotli where the model's per-chunk cost loses)
		tail   bool
	}{
		{"one chunk", records(th)[:4*rec], []string{"--chunk", "4"}, 1, false},
		{"many chunks", records(th)[:50*rec], []string{"--chunk", "3"}, 17, false},
		{"tail", records(th)[:10*rec+100], []string{"--chunk", "4"}, 3, true},
		// Three 7s in the first chunk: the binarized model is passed over
		// for the 8-bit one, whose sample loses to zstd: the three chunks
		// are gathered into one general frame.
		{"escapes", withSevens, []string{"--chunk", "100"}, 1, false},
		{"IDX 8-bit", idx, []string{"--chunk", "100"}, 3, false},
		{"IDX binarized", th, nil, 1, false},
		{"lanes", records(th)[:40*rec], []string{"--lanes", "7", "--chunk", "20"}, 2, false},
		{"embedded model", records(th)[:10*rec], []string{"--embed-model", "-m", "mnist-bin"}, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, arc := roundTrip(t, tc.data, tc.args...)
			if n := codedFrames(t, dir, "in.bbans"); n != tc.chunks {
				t.Errorf("%d coded frames, want %d", n, tc.chunks)
			}
			if got := frameCount(t, dir, "in.bbans", "tail") > 0; got != tc.tail {
				t.Errorf("tail frame: %v, want %v", got, tc.tail)
			}
			if tc.name == "embedded model" {
				info := must(t, dir, nil, "info", "in.bbans").stdout
				if !bytes.Contains(info, []byte("embedded model: yes")) {
					t.Errorf("info does not show the embedded model:\n%s", info)
				}
			} else if len(arc)*2 > len(tc.data) {
				t.Errorf("%d bytes of MNIST compressed only to %d", len(tc.data), len(arc))
			}
		})
	}
}

// TestConcurrency checks that every -T gives the same archive, and that
// every -T decodes it.
func TestConcurrency(t *testing.T) {
	_, th := mnistIDX(t)
	data := th[:16+100*784]
	dir := t.TempDir()
	put(t, filepath.Join(dir, "in"), data)
	var first []byte
	for n := 1; n <= 8; n++ {
		T := strconv.Itoa(n)
		arc := must(t, dir, nil, "compress", "-c", "-T", T, "--chunk", "7", "in").stdout
		if first == nil {
			first = arc
		} else if !bytes.Equal(arc, first) {
			t.Fatalf("-T %d wrote a different archive than -T 1", n)
		}
		if out := must(t, dir, arc, "decompress", "-T", T).stdout; !bytes.Equal(out, data) {
			t.Fatalf("-T %d: decompressed content differs", n)
		}
	}
}

// TestPipes compresses standard input to standard output and back.
func TestPipes(t *testing.T) {
	data := append(bytes.Repeat([]byte{0, 1, 1, 0}, 784), 9, 9, 9)
	dir := t.TempDir()
	arc := must(t, dir, data, "compress").stdout
	if out := must(t, dir, arc, "decompress").stdout; !bytes.Equal(out, data) {
		t.Fatal("stdin/stdout round trip differs")
	}
	if out := must(t, dir, arc, "cat", "-").stdout; !bytes.Equal(out, data) {
		t.Fatal("cat - differs")
	}
	if arc2 := must(t, dir, data, "compress", "-").stdout; !bytes.Equal(arc2, arc) {
		t.Fatal("compress - differs from compress with no operand")
	}
	if es := entries(t, dir); len(es) != 0 {
		t.Fatalf("pipes left files: %v", es)
	}
}

// TestConcatenated decodes archives joined with cat as one stream.
func TestConcatenated(t *testing.T) {
	dir := t.TempDir()
	a := bytes.Repeat([]byte{1, 0}, 784*3)
	b := []byte("a second archive, stored")
	put(t, filepath.Join(dir, "a"), a)
	put(t, filepath.Join(dir, "b"), b)
	must(t, dir, nil, "compress", "a", "b")
	joined := append(get(t, filepath.Join(dir, "a.bbans")), get(t, filepath.Join(dir, "b.bbans"))...)
	want := append(bytes.Clone(a), b...)
	if out := must(t, dir, joined, "decompress", "-c").stdout; !bytes.Equal(out, want) {
		t.Fatal("concatenated archives did not decode to the concatenated content")
	}
	if out := must(t, dir, nil, "cat", "a.bbans", "b.bbans").stdout; !bytes.Equal(out, want) {
		t.Fatal("cat of two archives differs")
	}
	info := must(t, dir, joined, "info").stdout
	if !bytes.Contains(info, []byte("all 2 archives")) {
		t.Errorf("info of two archives:\n%s", info)
	}
}

// TestManyFiles compresses and decompresses several files in one run.
func TestManyFiles(t *testing.T) {
	dir := t.TempDir()
	var names []string
	for i := range 3 {
		n := fmt.Sprintf("f%d", i)
		put(t, filepath.Join(dir, n), randomBytes(1000*i, uint64(i)))
		names = append(names, n)
	}
	must(t, dir, nil, append([]string{"compress", "--rm"}, names...)...)
	for _, n := range names {
		if _, err := filepathStat(dir, n); err == nil {
			t.Errorf("--rm kept %s", n)
		}
	}
	must(t, dir, nil, "decompress", "f0.bbans", "f1.bbans", "f2.bbans")
	for i, n := range names {
		if got := get(t, filepath.Join(dir, n)); !bytes.Equal(got, randomBytes(1000*i, uint64(i))) {
			t.Errorf("%s differs after compress --rm and decompress", n)
		}
		if _, err := filepathStat(dir, n+".bbans"); err != nil {
			t.Errorf("decompress removed %s.bbans without --rm", n)
		}
	}
}
