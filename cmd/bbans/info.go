package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/bbans/bbans/format"
	"github.com/bbans/bbans/vae"
)

func init() {
	register(&command{name: "info", summary: "describe archives: model, chunks, frames, bits/dim (no decoding)", run: runInfo})
}

func runInfo(e *env, args []string) int {
	fs := newFlags(e, "info", "info [--frames] FILE.bbans...")
	var frames bool
	boolFlag(fs, &frames, "list every frame of files: offset, bytes, first record, records, decoded offset", "frames")
	operands, code, stop := parseFlags(e, fs, args)
	if stop {
		return code
	}
	if len(operands) == 0 {
		operands = []string{"-"}
	}
	code = exitOK
	for i, name := range operands {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		code = worst(code, infoFile(e, name, frames))
	}
	return code
}

// archiveInfo is what info learns from one archive's header and frames.
type archiveInfo struct {
	hdr    format.Header
	frames map[format.FrameType]int
	// bytes of each frame type, frame headers included
	frameBytes map[format.FrameType]int64
	records    int64
	content    int64
	start, end int64 // archive offsets
	incomplete bool  // damaged or truncated after end
}

func infoFile(e *env, name string, frames bool) int {
	var in io.Reader = e.stdin
	display := "(stdin)"
	var file *os.File
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return report(e, name, unwrapPath(err))
		}
		defer f.Close()
		in, display, file = f, name, f
	}
	archives, err := walk(bufio.NewReaderSize(errReader{in, display}, 1<<16))
	var members []format.Member
	if file != nil && err == nil {
		// Random access's view: the indexes (a file can be read at any
		// offset; standard input cannot).
		if members, err = fileMembers(file); err != nil {
			err = fmt.Errorf("random access: %w", err)
		}
	}
	var records, content int64 // running totals for --frames
	fmt.Fprintf(e.stdout, "%s:\n", display)
	var total archiveInfo
	for i, a := range archives {
		if len(archives) > 1 {
			fmt.Fprintf(e.stdout, "archive %d, bytes %d to %d:\n", i+1, a.start, a.end)
		}
		countIndex(a, members)
		printHeader(e.stdout, &a.hdr)
		printFrames(e.stdout, a)
		printIndex(e.stdout, members, a.start, frames, &records, &content)
		total.records += a.records
		total.content += a.content
		total.end = a.end
	}
	if len(archives) > 1 {
		fmt.Fprintf(e.stdout, "all %d archives:\n", len(archives))
		printTotals(e.stdout, &total)
	}
	if err != nil {
		return report(e, display, err)
	}
	return exitOK
}

// walk reads every archive of r, frame by frame, without decoding chunks.
// format.Reader checks the headers, the frame checksums and the end
// frames' totals; the content of Chunk frames is not verified.
func walk(r io.Reader) ([]*archiveInfo, error) {
	fr := format.NewReader(r, format.Limits{})
	var out []*archiveInfo
	for {
		start := fr.Offset()
		h, err := fr.ReadHeader()
		if err == io.EOF {
			if len(out) == 0 {
				return nil, fmt.Errorf("%w: empty input is not a bbans archive", format.ErrHeader)
			}
			return out, nil
		}
		if err != nil {
			return out, err
		}
		a := &archiveInfo{hdr: *h, frames: map[format.FrameType]int{}, frameBytes: map[format.FrameType]int64{}, start: start}
		out = append(out, a)
		prev := fr.Offset()
		for {
			f, err := fr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				a.end, a.incomplete = prev, true
				return out, err
			}
			a.frames[f.Type]++
			a.frameBytes[f.Type] += fr.Offset() - prev
			prev = fr.Offset()
			if f.Type == format.End {
				continue
			}
			a.records += f.Records
			a.content += f.DecodedLen
		}
		a.end = fr.Offset()
	}
}

func printHeader(w io.Writer, h *format.Header) {
	if h.NoModel {
		fmt.Fprintf(w, "  model:          none (all content stored verbatim)\n")
	} else {
		name := h.ModelName
		if name == "" {
			name = "(unnamed)"
		}
		where := "not built in"
		if _, ok := vae.BuiltinByHash(h.ModelHash); ok {
			where = "built in"
		}
		fmt.Fprintf(w, "  model:          %s, %s\n", name, where)
		fmt.Fprintf(w, "  model sha256:   %s\n", hex.EncodeToString(h.ModelHash[:]))
		switch {
		case h.Model != nil && h.CompressModel:
			fmt.Fprintf(w, "  embedded model: yes, %d bytes, stored zstd-compressed in %d bytes (%.1f%%)\n",
				len(h.Model), h.ModelStored, 100*float64(h.ModelStored)/float64(len(h.Model)))
		case h.Model != nil:
			fmt.Fprintf(w, "  embedded model: yes, %d bytes, stored verbatim\n", len(h.Model))
		default:
			fmt.Fprintf(w, "  embedded model: no\n")
		}
	}
	fmt.Fprintf(w, "  format version: %d.%d\n", format.MajorVersion, h.Minor)
	fmt.Fprintf(w, "  record size:    %d bytes\n", h.RecordSize)
	fmt.Fprintf(w, "  chunk records:  %d\n", h.ChunkRecords)
	fmt.Fprintf(w, "  lanes:          %d\n", h.Lanes)
}

func printFrames(w io.Writer, a *archiveInfo) {
	var parts []string
	for _, t := range []format.FrameType{format.Chunk, format.Zstd, format.Brotli, format.Stored, format.Tail, format.Raw, format.Index, format.End} {
		if n := a.frames[t]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %v (%d bytes)", n, t, a.frameBytes[t]))
		}
	}
	for t, n := range a.frames {
		switch t {
		case format.Chunk, format.Zstd, format.Brotli, format.Stored, format.Tail, format.Raw, format.Index, format.End:
		default:
			parts = append(parts, fmt.Sprintf("%d of type %#x", n, byte(t)))
		}
	}
	fmt.Fprintf(w, "  frames:         %s\n", strings.Join(parts, ", "))
	printTotals(w, a)
}

// printTotals prints the content and the compressed size; bits/dim is 8
// times the archive's bytes (header and frames included) over the
// content's bytes.
func printTotals(w io.Writer, a *archiveInfo) {
	size := a.end - a.start
	if a.incomplete {
		fmt.Fprintf(w, "  incomplete:     the archive is damaged after byte %d; totals up to there\n", a.end)
	}
	fmt.Fprintf(w, "  content:        %d records, %d bytes\n", a.records, a.content)
	fmt.Fprintf(w, "  compressed:     %d bytes", size)
	if a.content > 0 {
		fmt.Fprintf(w, ", %.2f%%, %.4f bits/dim", 100*float64(size)/float64(a.content), 8*float64(size)/float64(a.content))
	}
	fmt.Fprintln(w)
}
