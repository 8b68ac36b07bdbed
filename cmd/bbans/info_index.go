package main

import (
	"fmt"
	"io"
	"os"

	"github.com/bbans/bbans/format"
)

// fileMembers reads the table of contents of an archive file the way
// random access does (format.ReadMembers: through each archive's index,
// or by walking frame headers), for info to show. It reads no payload.
func fileMembers(f *os.File) ([]format.Member, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return format.ReadMembers(f, st.Size(), format.Limits{}, 1<<24)
}

// countIndex counts the index frame of archive a, which the walk (a
// format.Reader, which skips skippable frames) counted with the end frame.
func countIndex(a *archiveInfo, ms []format.Member) {
	for _, m := range ms {
		if m.Offset == a.start && m.IndexLen > 0 {
			a.frames[format.Index]++
			a.frameBytes[format.Index] += m.IndexLen
			a.frameBytes[format.End] -= m.IndexLen
		}
	}
}

// printIndex prints what random access finds of the archive starting at
// offset start: its index frame, or that it has none, and with frames
// every frame's place in the archive and in the content.
func printIndex(w io.Writer, ms []format.Member, start int64, frames bool, records, content *int64) {
	var m *format.Member
	for i := range ms {
		if ms[i].Offset == start {
			m = &ms[i]
		}
	}
	if m == nil {
		return
	}
	if m.IndexLen > 0 {
		fmt.Fprintf(w, "  index:          %d frames listed, %d bytes at offset %d\n", len(m.Frames), m.IndexLen, m.IndexOffset)
	} else {
		fmt.Fprintf(w, "  index:          none (random access walks the %d frame headers)\n", len(m.Frames))
	}
	if !frames {
		return
	}
	fmt.Fprintf(w, "  %12s %10s %12s %8s %12s %10s\n", "offset", "bytes", "first record", "records", "decoded at", "decoded")
	for _, f := range m.Frames {
		first := "-"
		if f.Records > 0 {
			first = fmt.Sprint(*records)
		}
		fmt.Fprintf(w, "  %12d %10d %12s %8d %12d %10d\n", f.Offset, f.Len, first, f.Records, *content, f.DecodedLen)
		*records += f.Records
		*content += f.DecodedLen
	}
}
