package main

import (
	"bytes"
	"flag"
	"path/filepath"
	"testing"
)

// TestTrainPartialRecords: a raw file that is not a whole number of
// records is refused with a pointer to --drop-partial, which trains on the
// whole records; --lik context-mix on records its --base does not code
// says so and names --base.
func TestTrainPartialRecords(t *testing.T) {
	dir := t.TempDir()
	raw := make([]byte, 30*100+37)
	for i := range raw {
		raw[i] = byte(i % 7 * 30)
	}
	put(t, filepath.Join(dir, "raw.bin"), raw)
	r := bbans(t, dir, nil, "train", "raw.bin", "--record-size", "100", "--heldout", "3", "-o", "m.bbm")
	if r.code != exitCorrupt || !bytes.Contains(r.stderr, []byte("3037 bytes is not a whole number of 100-byte records (give --drop-partial")) {
		t.Errorf("partial record: %v", r)
	}
	must(t, dir, nil, "train", "raw.bin", "--record-size", "100", "--drop-partial", "--heldout", "3", "-o", "m.bbm")
	m := readModelFile(t, filepath.Join(dir, "m.bbm"))
	if m.RecordSize() != 100 {
		t.Errorf("model of %d-byte records", m.RecordSize())
	}
	r = bbans(t, dir, nil, "train", "raw.bin", "--record-size", "100", "--drop-partial", "--lik", "context-mix", "-o", "cm.bbm")
	if r.code != exitUsage || !bytes.Contains(r.stderr, []byte("--base mnist-bin-ar, which codes 784-byte records, not 100")) {
		t.Errorf("context-mix on 100-byte records: %v", r)
	}
}

// TestNetFlagsGiven: a net flag typed with its default value still asks
// for the VAE (flags are told by being given, not by their values).
func TestNetFlagsGiven(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"--epochs", "100"}, true},
		{[]string{"--epochs=7"}, true},
		{[]string{"-T", "1"}, false},
	} {
		var epochs, threads int
		fs := flag.NewFlagSet("train", flag.ContinueOnError)
		fs.IntVar(&epochs, "epochs", 100, "")
		fs.IntVar(&threads, "T", 0, "")
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if got := netFlags(fs); got != tc.want {
			t.Errorf("netFlags after %q = %v, want %v", tc.args, got, tc.want)
		}
	}
}
