package bench

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
)

// A tool is a compressor run as a process: it reads the input on stdin and
// writes its output on stdout, each way.
type tool struct {
	name       string   // as in the table: the command line
	compress   []string // argv
	decompress []string
}

// externalTools are the reference command-line compressors at their
// strongest usual settings, run when installed as a second opinion on the
// in-process libraries.
var externalTools = []tool{
	{"bzip2 -9", []string{"bzip2", "-9", "-c"}, []string{"bzip2", "-d", "-c"}},
	{"xz -9e", []string{"xz", "-9e", "-T1", "-c"}, []string{"xz", "-d", "-c"}},
	{"zstd -19", []string{"zstd", "-19", "-q", "-c"}, []string{"zstd", "-d", "-q", "-c"}},
}

// installed reports whether the program of argv is on PATH.
func installed(argv []string) bool {
	_, err := exec.LookPath(argv[0])
	return err == nil
}

// pipe runs argv with in on stdin and returns its stdout.
func pipe(argv []string, in []byte) ([]byte, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin = bytes.NewReader(in)
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.Bytes(), nil
}
