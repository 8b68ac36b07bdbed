// Command runsets judges `bbans train` on the sets that mksets wrote: for
// each kind in DIR it trains a model on KIND-train.idx, compresses
// KIND-test.idx with it (checking that it decompresses to the same bytes)
// and prints a Markdown table of bits/dim beside JPEG XL lossless (cjxl -d 0
// -e 9, the test records tiled in one picture), xz -9e and bzip2 -9 on the
// same test file. Bits/dim are compressed bits over the test records'
// samples (records x height x width x channels); every compressor gets the
// whole IDX file, header included.
//
//	go run ./internal/testsets/cmd/runsets [-bbans PATH] [-train ARGS] [-kinds a,b] DIR
//
// -train is the argument list of `bbans train`, {data} and {model} standing
// for the training file and the model file: by default the plain
// `{data} -o {model}` of issue 13.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/bbans/bbans/internal/testsets"
	"github.com/bbans/bbans/vae/dataset"
)

func main() {
	bbans := flag.String("bbans", "bbans", "the bbans `BINARY`")
	trainArgs := flag.String("train", "{data} -o {model}", "`ARGS` of bbans train")
	kinds := flag.String("kinds", "", "comma-separated `KINDS` (default: every kind with files in DIR)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: runsets [-bbans PATH] [-train ARGS] [-kinds a,b] DIR")
		os.Exit(2)
	}
	dir := flag.Arg(0)
	work, err := os.MkdirTemp("", "runsets")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(work)

	chosen := testsets.Kinds
	if *kinds != "" {
		chosen = nil
		for _, name := range strings.Split(*kinds, ",") {
			k, err := testsets.Lookup(strings.TrimSpace(name))
			if err != nil {
				fail(err)
			}
			chosen = append(chosen, k)
		}
	}
	fmt.Printf("bbans train %s\n\n", *trainArgs)
	fmt.Println("| set | train / test records | train time | model bytes | bbans | JPEG XL -e 9 | xz -9e | bzip2 -9 | bbans beats JPEG XL and xz |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
	for _, k := range chosen {
		train := filepath.Join(dir, k.Name+"-train.idx")
		test := filepath.Join(dir, k.Name+"-test.idx")
		if _, err := os.Stat(test); err != nil && *kinds == "" {
			continue
		}
		row, err := judge(*bbans, *trainArgs, train, test, filepath.Join(work, k.Name+".bbm"))
		if err != nil {
			fail(fmt.Errorf("%s: %w", k.Name, err))
		}
		fmt.Printf("| %s | %s |\n", k.Name, row)
	}
}

// judge runs everything on one set and returns its table cells.
func judge(bbans, trainArgs, train, test, model string) (string, error) {
	testBytes, err := os.ReadFile(test)
	if err != nil {
		return "", err
	}
	trainSet, err := readSet(train)
	if err != nil {
		return "", err
	}
	s, err := readSet(test)
	if err != nil {
		return "", err
	}
	dims := float64(len(s.Test))
	bpd := func(n int) string { return fmt.Sprintf("%.4f", 8*float64(n)/dims) }

	var args []string
	for _, a := range strings.Fields(trainArgs) {
		args = append(args, strings.NewReplacer("{data}", train, "{model}", model).Replace(a))
	}
	t0 := time.Now()
	if _, err := run(nil, bbans, append([]string{"train", "-f"}, args...)...); err != nil {
		return "", err
	}
	took := time.Since(t0)
	st, err := os.Stat(model)
	if err != nil {
		return "", err
	}
	archive, err := run(testBytes, bbans, "compress", "-m", model, "-c")
	if err != nil {
		return "", err
	}
	back, err := run(archive, bbans, "decompress", "-m", model, "-c")
	if err != nil {
		return "", err
	}
	if !bytes.Equal(back, testBytes) {
		return "", fmt.Errorf("bbans did not round-trip %s", test)
	}
	xz, err := run(testBytes, "xz", "-9e", "-c")
	if err != nil {
		return "", err
	}
	bz, err := run(testBytes, "bzip2", "-9", "-c")
	if err != nil {
		return "", err
	}
	jxl, err := cjxl(s)
	if err != nil {
		return "", err
	}
	wins := "no"
	if len(archive) < jxl && len(archive) < len(xz) {
		wins = "yes"
	}
	return fmt.Sprintf("%d / %d | %s | %d | %s | %s | %s | %s | %s",
		trainSet.Records(trainSet.Test), s.Records(s.Test), took.Round(time.Second), st.Size(),
		bpd(len(archive)), bpd(jxl), bpd(len(xz)), bpd(len(bz)), wins), nil
}

// readSet reads an IDX file written by mksets into a Set whose Test part
// holds its records.
func readSet(path string) (*testsets.Set, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	d, err := dataset.ReadIDX(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s := &testsets.Set{Height: int(be32(b[8:])), Width: int(be32(b[12:])), Channels: 1, Test: d.Data}
	if b[3] == 4 {
		s.Channels = int(be32(b[16:]))
	}
	if b[3] < 3 || s.RecordSize() != d.RecordSize {
		return nil, fmt.Errorf("%s: not an n x h x w (x c) IDX file", path)
	}
	return s, nil
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// cjxl compresses the tiled test records losslessly at effort 9 and returns
// the size of the JPEG XL file.
func cjxl(s *testsets.Set) (int, error) {
	tmp, err := os.MkdirTemp("", "runsets-jxl")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	in, out := filepath.Join(tmp, "t.pnm"), filepath.Join(tmp, "t.jxl")
	if s.Channels == 1 {
		in = filepath.Join(tmp, "t.pgm")
	} else {
		in = filepath.Join(tmp, "t.ppm")
	}
	if err := os.WriteFile(in, s.Tiled(s.Test), 0o644); err != nil {
		return 0, err
	}
	if _, err := run(nil, "cjxl", "-d", "0", "-e", "9", in, out); err != nil {
		return 0, err
	}
	st, err := os.Stat(out)
	if err != nil {
		return 0, err
	}
	return int(st.Size()), nil
}

// run runs a command with stdin and returns its standard output.
func run(stdin []byte, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.Bytes(), nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "runsets:", err)
	os.Exit(1)
}
