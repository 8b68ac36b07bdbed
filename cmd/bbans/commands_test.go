package main

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

func TestModels(t *testing.T) {
	out := must(t, t.TempDir(), nil, "models", "-l").stdout
	for _, name := range vae.BuiltinNames() {
		m, err := vae.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		h := m.Hash()
		line := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `\s+(\S+)\s+(\d+) bytes\s+(\d+)\s.*\s(\d+) bytes(?:  +(\S.*))?$`).FindSubmatch(out)
		if line == nil {
			t.Fatalf("no line for %s in:\n%s", name, out)
		}
		if string(line[1]) != hex.EncodeToString(h[:]) {
			t.Errorf("%s: hash %s, want %x", name, line[1], h)
		}
		if n, _ := strconv.Atoi(string(line[2])); n != m.RecordSize() {
			t.Errorf("%s: record size %d, want %d", name, n, m.RecordSize())
		}
		if n, _ := strconv.Atoi(string(line[3])); n != m.LatentSize() {
			t.Errorf("%s: latent size %d, want %d", name, n, m.LatentSize())
		}
		if n, _ := strconv.Atoi(string(line[4])); n != len(m.File()) {
			t.Errorf("%s: file size %d, want %d", name, n, len(m.File()))
		}
		def := map[string]string{stream.DefaultModel: "binarized, levels -1..-16", stream.BestModel: "binarized, levels -17..-19", stream.DefaultModel8Bit: "8-bit, levels -1..-16", stream.BestModel8Bit: "8-bit, levels -17..-19"}[name]
		if string(line[5]) != def {
			t.Errorf("%s: default for %q, want %q", name, line[5], def)
		}
	}
}

// TestDataset checks the IDX header and that the binarizations are what
// package vae defines.
func TestDataset(t *testing.T) {
	idx, th := mnistIDX(t)
	for _, b := range [][]byte{idx, th} {
		want := []byte{0, 0, 8, 3}
		want = binary.BigEndian.AppendUint32(want, mnistRecords)
		want = binary.BigEndian.AppendUint32(want, 28)
		want = binary.BigEndian.AppendUint32(want, 28)
		if !bytes.Equal(b[:16], want) {
			t.Fatalf("IDX header % x, want % x", b[:16], want)
		}
		if len(b) != 16+mnistRecords*784 {
			t.Fatalf("IDX file of %d bytes", len(b))
		}
	}
	full, err := dataset.LoadMNIST("test")
	if err != nil {
		t.Fatal(err)
	}
	first := full.Slice(0, mnistRecords)
	if !bytes.Equal(records(idx), first.Data) {
		t.Error("8-bit records differ from dataset.LoadMNIST")
	}
	want, _ := dataset.Binarize(first, dataset.Threshold)
	if !bytes.Equal(records(th), want.Data) {
		t.Error("threshold records differ from dataset.Binarize")
	}
	// Sampled: the first N images of the whole set, as in SPEC.md.
	dir := t.TempDir()
	must(t, dir, nil, "dataset", "mnist", "-n", "20", "--binarize", "sampled", "-o", "s.idx")
	ws, _ := dataset.Binarize(full, dataset.Sampled)
	if got := get(t, filepath.Join(dir, "s.idx")); !bytes.Equal(got[16:], ws.Data[:20*784]) {
		t.Error("sampled records differ from dataset.Binarize of the whole set")
	}
	// It is an ordinary output: not overwritten without -f.
	if r := bbans(t, dir, nil, "dataset", "mnist", "-n", "1", "-o", "s.idx"); r.code != exitFailure {
		t.Errorf("dataset over an existing file: %v", r)
	}
}

func TestInfo(t *testing.T) {
	_, th := mnistIDX(t)
	dir := t.TempDir()
	data := th[:16+25*784+5]
	put(t, filepath.Join(dir, "in"), data)
	must(t, dir, nil, "compress", "--chunk", "10", "--lanes", "2", "in")
	out := string(must(t, dir, nil, "info", "in.bbans").stdout)
	size := len(get(t, filepath.Join(dir, "in.bbans")))
	m, _ := vae.Builtin(stream.DefaultModel)
	h := m.Hash()
	for _, want := range []string{
		"model:          " + stream.DefaultModel + ", built in",
		"model sha256:   " + hex.EncodeToString(h[:]),
		"embedded model: no",
		"record size:    784 bytes",
		"chunk records:  10",
		"lanes:          2",
		"3 chunk (", "1 tail (", "1 raw (", "1 end (",
		"content:        25 records, " + strconv.Itoa(len(data)) + " bytes",
		"compressed:     " + strconv.Itoa(size) + " bytes",
		"bits/dim",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("info lacks %q:\n%s", want, out)
		}
	}
	// Damage is found without decoding: a truncated archive gives exit 3.
	put(t, filepath.Join(dir, "cut.bbans"), get(t, filepath.Join(dir, "in.bbans"))[:size-4])
	if r := bbans(t, dir, nil, "info", "cut.bbans"); r.code != exitCorrupt {
		t.Errorf("info of a truncated archive: %v", r)
	}
}

func TestEval(t *testing.T) {
	mnistIDX(t)
	out := must(t, t.TempDir(), nil, "eval", "--binarize", "threshold", "-n", "200").stdout
	m := regexp.MustCompile(`^` + stream.DefaultModel + ` on mnist-test \(threshold\): ([0-9.]+) bits/dim .* over 200 records`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("eval output: %s", out)
	}
	// The exact figure is the vae package's business; check it is the
	// same number the library gives.
	d, _ := dataset.LoadMNIST("test")
	d, _ = dataset.Binarize(d.Slice(0, 200), dataset.Threshold)
	model, _ := vae.Builtin(stream.DefaultModel)
	c, err := model.NegELBO(d, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(m[1]); got != strconv.FormatFloat(c.BitsPerByte(), 'f', 4, 64) {
		t.Errorf("eval says %s bits/dim, vae says %.4f", got, c.BitsPerByte())
	}
}

// TestTrain trains a tiny model for one epoch, then uses it: compress
// with -m FILE, decompress needs the model (or an embedded copy).
func TestTrain(t *testing.T) {
	_, th := mnistIDX(t)
	dir := t.TempDir()
	put(t, filepath.Join(dir, "th.idx"), th)
	r := must(t, dir, nil, "train", "--data", "th.idx", "--heldout", "50", "--epochs", "2", "--enc", "16", "--dec", "16",
		"--latent", "4", "--batch", "25", "-T", "1", "-o", "tiny.bbm")
	epochs := regexp.MustCompile(`(?m)^epoch +(\d)/2 +train ([0-9.]+) +held out heldout ([0-9.]+) bits/dim`).FindAllSubmatch(r.stderr, -1)
	if len(epochs) != 2 {
		t.Fatalf("want 2 epoch lines in:\n%s", r.stderr)
	}
	m := readModelFile(t, filepath.Join(dir, "tiny.bbm"))
	if a := m.Arch; a.Latent != 4 || a.Likelihood != vae.Bernoulli || a.RecordSize != 784 {
		t.Fatalf("trained %v", a)
	}

	put(t, filepath.Join(dir, "in"), th[:16+40*784])
	// --no-general: a model this small loses to Brotli, which then needs no model.
	must(t, dir, nil, "compress", "-m", "tiny.bbm", "--no-general", "in")
	info := must(t, dir, nil, "info", "in.bbans").stdout
	if !bytes.Contains(info, []byte("model:          tiny, not built in")) {
		t.Errorf("info:\n%s", info)
	}
	if r := bbans(t, dir, nil, "test", "in.bbans"); r.code != exitFailure || !bytes.Contains(r.stderr, []byte(`"tiny"`)) || !bytes.Contains(r.stderr, []byte("not embedded")) {
		t.Errorf("test without the model: %v", r)
	}
	must(t, dir, nil, "test", "-m", "tiny.bbm", "in.bbans")
	// Embedded: decodes without -m, unless embedded models are refused.
	must(t, dir, nil, "compress", "-m", "tiny.bbm", "--no-general", "--embed-model", "-o", "emb.bbans", "in")
	must(t, dir, nil, "test", "emb.bbans")
	tiny := len(get(t, filepath.Join(dir, "tiny.bbm")))
	stored := regexp.MustCompile(`embedded model: yes, (\d+) bytes, stored zstd-compressed in (\d+) bytes`).FindSubmatch(must(t, dir, nil, "info", "emb.bbans").stdout)
	if stored == nil || string(stored[1]) != strconv.Itoa(tiny) {
		t.Errorf("info of emb.bbans does not show the %d-byte model stored compressed: %q", tiny, stored)
	} else if n, _ := strconv.Atoi(string(stored[2])); n < 1 || n >= tiny || len(get(t, filepath.Join(dir, "emb.bbans"))) > len(get(t, filepath.Join(dir, "in.bbans")))+n+64 {
		t.Errorf("the model is stored in %d bytes of %d; archives %d and %d bytes", n, tiny,
			len(get(t, filepath.Join(dir, "emb.bbans"))), len(get(t, filepath.Join(dir, "in.bbans"))))
	}
	if r := bbans(t, dir, nil, "test", "--no-embedded-model", "emb.bbans"); r.code != exitFailure || !bytes.Contains(r.stderr, []byte("which it embeds, but --no-embedded-model refuses")) {
		t.Errorf("--no-embedded-model: %v", r)
	}
	// eval of the file model.
	if out := must(t, dir, nil, "eval", "-m", "tiny.bbm", "--data", "th.idx", "-n", "50").stdout; !bytes.Contains(out, []byte("tiny.bbm on th.idx (threshold)")) {
		t.Errorf("eval -m tiny.bbm: %s", out)
	}
	// A model file that is damaged is a usage error for -m, named.
	b := get(t, filepath.Join(dir, "tiny.bbm"))
	b[len(b)/2] ^= 1
	put(t, filepath.Join(dir, "bad.bbm"), b)
	if r := bbans(t, dir, nil, "compress", "-m", "bad.bbm", "-c", "in"); r.code != exitUsage || !bytes.Contains(r.stderr, []byte("bad.bbm")) {
		t.Errorf("compress -m bad.bbm: %v", r)
	}
}

// TestFlagsAnywhere checks gzip-like parsing: flags after operands, "--".
func TestFlagsAnywhere(t *testing.T) {
	dir := t.TempDir()
	put(t, filepath.Join(dir, "-x"), []byte("dash"))
	put(t, filepath.Join(dir, "a"), []byte("a"))
	must(t, dir, nil, "compress", "a", "-q", "--", "-x")
	for _, n := range []string{"a.bbans", "-x.bbans"} {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s not written: %v", n, err)
		}
	}
	if out := must(t, dir, nil, "cat", "--", "-x.bbans").stdout; string(out) != "dash" {
		t.Errorf("cat -- -x.bbans: %q", out)
	}
}

// TestTrainProgress trains in process with standard error as a terminal:
// the bar is drawn within epochs and cleared before each epoch line.
func TestTrainProgress(t *testing.T) {
	_, th := mnistIDX(t)
	dir := t.TempDir()
	put(t, filepath.Join(dir, "th.idx"), th)
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, stderrIsTerminal: true}
	code := run(e, []string{"train", "--data", filepath.Join(dir, "th.idx"), "--heldout", "100", "--epochs", "1",
		"--enc", "8", "--dec", "8", "--latent", "2", "--batch", "10", "-o", filepath.Join(dir, "m.bbm")})
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.Bytes())
	}
	s := errb.String()
	if !strings.Contains(s, "\repoch 1/1 [") || !strings.Contains(s, "\r\x1b[Kepoch   1/1  train ") {
		t.Errorf("no progress bar, or not cleared before the epoch line:\n%q", s)
	}
	if !strings.Contains(s, "quantised in") || !strings.Contains(s, "wrote "+filepath.Join(dir, "m.bbm")) {
		t.Errorf("no quantisation report:\n%s", s)
	}
}

// TestTrainContextMix builds a context-mix model on top of the built-in
// mnist-bin-ar nets from an 8-bit IDX file and codes with it.
func TestTrainContextMix(t *testing.T) {
	idx, _ := mnistIDX(t)
	dir := t.TempDir()
	put(t, filepath.Join(dir, "d.idx"), idx)
	r := must(t, dir, nil, "train", "--lik", "context-mix", "--data", "d.idx", "--heldout", "50", "-T", "1", "-o", "cm.bbm")
	if !bytes.Contains(r.stderr, []byte("held out: ")) || !bytes.Contains(r.stderr, []byte("wrote cm.bbm")) {
		t.Fatalf("no held-out report:\n%s", r.stderr)
	}
	m := readModelFile(t, filepath.Join(dir, "cm.bbm"))
	if a := m.Arch; a.Likelihood != vae.ContextMix || a.RecordSize != 784 {
		t.Fatalf("trained %v", a)
	}
	put(t, filepath.Join(dir, "in"), idx[16:16+20*784])
	must(t, dir, nil, "compress", "-m", "cm.bbm", "in")
	must(t, dir, nil, "test", "-m", "cm.bbm", "in.bbans")
	if r := bbans(t, dir, nil, "train", "--lik", "context-mix", "--binarize", "threshold", "-o", "x.bbm"); r.code != exitUsage {
		t.Errorf("context-mix on binarized data: %v", r)
	}
	if r := bbans(t, dir, nil, "train", "--lik", "context-mix", "--base", "mnist", "--data", "d.idx", "-o", "y.bbm"); r.code != exitFailure {
		t.Errorf("context-mix on a logistic base: %v", r)
	}
}

// TestTrainCMix makes an adaptive context-mixing model with no flags but
// the output (bbans train DATA -o M.bbm): shape from the IDX header,
// levels from the data, a held-out report beside xz and bzip2; then codes
// with it. --shape sets another shape; net flags select the VAE instead.
func TestTrainCMix(t *testing.T) {
	idx, th := mnistIDX(t)
	dir := t.TempDir()
	put(t, filepath.Join(dir, "d.idx"), idx)
	put(t, filepath.Join(dir, "th.idx"), th)
	r := must(t, dir, nil, "train", "d.idx", "-o", "c.bbm")
	for _, want := range []string{"28x28x1 records", "held out (", "bits/dim, xz -9 ", "bzip2 -9", "wrote c.bbm"} {
		if !bytes.Contains(r.stderr, []byte(want)) {
			t.Fatalf("no %q in:\n%s", want, r.stderr)
		}
	}
	m := readModelFile(t, filepath.Join(dir, "c.bbm"))
	if a := m.Arch; a.Likelihood != vae.CMix || a.RecordSize != 784 || a.Latent != 0 {
		t.Fatalf("trained %v", a)
	}
	put(t, filepath.Join(dir, "in"), idx[16:16+30*784])
	must(t, dir, nil, "compress", "-m", "c.bbm", "in")
	must(t, dir, nil, "test", "-m", "c.bbm", "in.bbans")
	// Binarized records: two levels, one decision a pixel.
	r = must(t, dir, nil, "train", "th.idx", "--shape", "56x14", "-o", "b.bbm")
	if !bytes.Contains(r.stderr, []byte("56x14x1 records, 2 levels")) {
		t.Errorf("--shape 56x14 on binarized records:\n%s", r.stderr)
	}
	if r := bbans(t, dir, nil, "train", "th.idx", "--shape", "10x10", "-o", "x.bbm"); r.code != exitUsage {
		t.Errorf("--shape of the wrong size: %v", r)
	}
	if r := bbans(t, dir, nil, "train", "th.idx", "--data", "d.idx", "-o", "x.bbm"); r.code != exitUsage {
		t.Errorf("DATA twice: %v", r)
	}
}

// readModelFile reads and validates the model file at path.
func readModelFile(t *testing.T, path string) *vae.Model {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := vae.ReadModel(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
