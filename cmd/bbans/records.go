package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/bbans/bbans/stream"
)

// parseRecordRange parses --records: "A:B" (records A to B-1, counted
// from 0), "A:" (A to the end), ":B" or "N" (record N alone). end < 0
// means the end of the archive.
func parseRecordRange(s string) (lo, hi int64, err error) {
	num := func(p string, def int64) (int64, error) {
		if p == "" {
			return def, nil
		}
		v, err := strconv.ParseInt(p, 10, 64)
		if err != nil || v < 0 {
			return 0, fmt.Errorf("--records %s: %q is not a record number", s, p)
		}
		return v, nil
	}
	a, b, colon := strings.Cut(s, ":")
	if lo, err = num(a, 0); err != nil {
		return 0, 0, err
	}
	if !colon {
		if a == "" {
			return 0, 0, fmt.Errorf("--records: empty range")
		}
		return lo, lo + 1, nil
	}
	if hi, err = num(b, -1); err != nil {
		return 0, 0, err
	}
	if hi >= 0 && hi < lo {
		return 0, 0, fmt.Errorf("--records %s: the range ends before it starts", s)
	}
	return lo, hi, nil
}

// catRecords writes records lo to hi-1 of the archive in file name to
// standard output, decoding only the chunks that hold them (a ReaderAt,
// through the archive's index when it has one).
func catRecords(e *env, name string, lo, hi int64, opts []stream.ROption) int {
	if name == "-" {
		fmt.Fprintf(e.stderr, "bbans: cat: --records reads a file, not standard input\n")
		return exitUsage
	}
	f, err := os.Open(name)
	if err != nil {
		return report(e, name, unwrapPath(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return report(e, name, err)
	}
	z, err := stream.NewReaderAt(f, st.Size(), opts...)
	if err != nil {
		return report(e, name, err)
	}
	if hi < 0 {
		hi = z.Records()
	}
	if hi > z.Records() {
		return report(e, name, fmt.Errorf("records %d:%d: the archive has %d records", lo, hi, z.Records()))
	}
	// A thousand records at a time bounds the memory of long ranges.
	var buf []byte
	for lo < hi {
		end := min(hi, lo+1000)
		if buf, err = z.AppendRecords(buf[:0], lo, end); err != nil {
			return report(e, name, err)
		}
		if _, err := e.stdout.Write(buf); err != nil {
			return report(e, "(stdout)", err)
		}
		lo = end
	}
	return exitOK
}
