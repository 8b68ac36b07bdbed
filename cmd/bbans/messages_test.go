package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestMessages checks that errors say a thing once and point the right
// way: a file that is not an archive, garbage after an archive, -o naming
// a directory (with and without -f).
func TestMessages(t *testing.T) {
	dir := t.TempDir()
	put(t, filepath.Join(dir, "a"), []byte("some bytes"))
	must(t, dir, nil, "compress", "a")
	put(t, filepath.Join(dir, "junk.bbans"), []byte("this is not an archive at all"))
	archive := get(t, filepath.Join(dir, "a.bbans"))
	put(t, filepath.Join(dir, "tail.bbans"), append(bytes.Clone(archive), "junk after it"...))
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"test", "junk.bbans"}, exitCorrupt, "bbans: junk.bbans: not a bbans archive (its first bytes are not the bbans magic)\n"},
		{[]string{"test", "tail.bbans"}, exitCorrupt, "bbans: tail.bbans: data after an archive's end frame is not another archive, at byte " + strconv.Itoa(len(archive)) + "\n"},
		{[]string{"compress", "-o", "d", "a"}, exitFailure, "bbans: a: d is a directory; the output must be a file name\n"},
		{[]string{"compress", "-f", "-o", "d", "a"}, exitFailure, "bbans: a: d is a directory; the output must be a file name\n"},
	} {
		r := bbans(t, dir, nil, c.args...)
		if r.code != c.code || string(r.stderr) != c.want {
			t.Errorf("bbans %s: exit %d, %q; want exit %d, %q", strings.Join(c.args, " "), r.code, r.stderr, c.code, c.want)
		}
	}
}

// TestSymlinkInput: like gzip, a symbolic link is not read as an input
// without -f, except to standard output.
func TestSymlinkInput(t *testing.T) {
	dir := t.TempDir()
	put(t, filepath.Join(dir, "target"), []byte("the target's bytes"))
	if err := os.Symlink("target", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	r := bbans(t, dir, nil, "compress", "link")
	if r.code != exitFailure || !bytes.Contains(r.stderr, []byte("link: is a symbolic link; use -f")) {
		t.Errorf("compress link: %v", r)
	}
	if _, err := os.Lstat(filepath.Join(dir, "link.bbans")); err == nil {
		t.Error("compress link wrote link.bbans")
	}
	must(t, dir, nil, "compress", "-c", "link")
	must(t, dir, nil, "compress", "-f", "link")
	if r := must(t, dir, nil, "cat", "link.bbans"); string(r.stdout) != "the target's bytes" {
		t.Errorf("compress -f link: content %q", r.stdout)
	}
}
