package stream

import "github.com/bbans/bbans/format"

// WithIndex sets whether the Writer ends each archive with an index frame
// (SPEC.md section 4.11) when it is closed: the place, records and decoded
// length of every frame, so that NewReaderAt opens the archive with three
// reads instead of walking every frame header. Default true. The index
// costs 8 to 20 bytes per chunk (about 0.001% of an MNIST chunk of 1,000
// records). It is not written for an archive of fewer than two data
// frames, which a reader walks at once, nor for one without a coded frame
// (chunk, zstd or brotli; content stored verbatim, where the index would eat into the promise of
// at most 0.1% growth), nor when the data frames saved fewer bytes than the
// index costs, nor if it would exceed format.MaxIndexPayload;
// readers walk the frame headers of such archives. Readers that do not know the index skip it.
// It can be changed only by a new Writer, not by Reset.
func WithIndex(b bool) WOption {
	return func(o *wOptions) error {
		o.noIndex = !b
		return nil
	}
}

// indexWriter is the Writer's index of the archive being written.
type indexWriter struct {
	b          format.IndexBuilder
	dataFrames int
	chunks     int   // coded frames (Chunk, Zstd, Brotli)
	saved      int64 // decoded bytes minus frame bytes, over the data frames
}

// startIndex begins the index of an archive whose header is n bytes.
func (x *indexWriter) start(n int) {
	x.b.Reset(int64(n))
	x.dataFrames, x.chunks, x.saved = 0, 0, 0
}

// add records frame f, whose encoded form is n bytes, written next.
func (x *indexWriter) add(f *format.Frame, n int) {
	e := format.IndexEntry{Len: int64(n), CRC: f.CRC}
	if f.Type.IsData() {
		e.Records, e.DecodedLen = f.Records, f.DecodedLen
		x.dataFrames++
		x.saved += f.DecodedLen - int64(n)
	}
	if f.Type.IsCoded() {
		x.chunks++
	}
	x.b.Add(e)
}

// appendFrame appends the index frame, if the archive gets one.
func (x *indexWriter) appendFrame(dst []byte, o *wOptions) []byte {
	if o.noIndex || x.dataFrames < 2 || x.chunks == 0 {
		return dst
	}
	n := len(dst)
	dst, _ = x.b.AppendFrame(dst)
	if int64(len(dst)-n) > x.saved {
		// The frames saved less than the index costs: without it the
		// archive keeps the size bound (at most 0.1% + 64 bytes over the
		// input) whenever its frames do.
		return dst[:n]
	}
	return dst
}
