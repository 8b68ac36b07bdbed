// Package stream reads and writes .bbans archives as Go streams: a Writer
// (io.WriteCloser) that compresses what is written to it and a Reader
// (io.Reader, io.WriterTo) that decompresses, in the style of compress/gzip
// and klauspost/compress/zstd, plus EncodeAll and DecodeAll for whole
// buffers.
//
// Records (784-byte MNIST images for the built-in models) are cut into
// chunks; each chunk is one bits-back ANS message (Townsend, Bird & Barber,
// "Practical lossless compression with latent variables using bits back
// coding", ICLR 2019) coded on a few lanes with a model from package vae
// (SPEC.md section 5), inside the container of package format (SPEC.md
// section 4). Chunks are coded and decoded in parallel and emitted in
// order, so memory stays bounded by the frame size (a chunk, or the chunks a
// general-codec frame gathers) times about five times the concurrency, plus
// a few frames and each thread's codec state, whatever the input size
// (Writer and Reader say how much; TestMemoryBound measures it).
//
// Any input round-trips: a partial record at the end goes into a tail
// frame, a record the model cannot code (a 7 in binarized data) is escaped
// inside its chunk, and a chunk that does not compress is stored. Every
// chunk is checked against its CRC-32C when read, and damage is reported as
// an error carrying the byte offset (format.CorruptInputError), never as
// silently wrong output.
//
// As with zstd, Close is required: a Writer's Close writes the end of the
// archive, a Reader's stops its read-ahead goroutines. Writers and Readers
// are reused with Reset, and a long-lived Writer's EncodeAll codes many
// small buffers without the set-up cost of the package's EncodeAll. The
// examples show the options, Reset, Flush, concurrency, custom models and
// the errors to match with errors.Is and errors.As.
//
// NewReaderAt gives random access to an archive held in an io.ReaderAt:
// any byte range or record, decoding only the chunks it needs, through the
// index that the Writer ends each archive with (SPEC.md section 4.11), or,
// for archives without one, by walking the frame headers.
package stream
