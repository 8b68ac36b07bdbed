// Package format reads and writes the .bbans archive container, as
// specified in section 4 of SPEC.md at the root of this module.
//
// An archive is a header (magic, version, model name and SHA-256, record
// size, chunk size, lane count, optionally the model itself, verbatim or
// compressed with Zstandard by github.com/klauspost/compress/zstd) followed by
// frames: BB-ANS chunks, chunks coded with a general-purpose codec (Zstd,
// Brotli) for data no model fits, stored chunks, tails, raw bytes and an end frame
// that carries the totals of the archive. Archives may be concatenated; a
// Reader exposes each in turn, and the stream layer decodes them as one
// stream, as compress/gzip does with multistream files. An archive may end
// in an index frame that places every frame; ReadMembers uses it to open an
// io.ReaderAt for random access (ReadFrameAt), and walks the frame headers
// of archives without one.
//
// The package knows nothing about how a chunk payload is coded: a chunk's
// payload is the serialised ANS message of SPEC.md section 1, and turning it
// back into records is the business of package stream (Townsend, Bird and
// Barber, "Practical lossless compression with latent variables using bits
// back coding", ICLR 2019). What format does guarantee is that damaged or
// hostile input is reported as a typed error carrying the byte offset
// (see CorruptInputError), never as a panic, a hang, or an allocation larger
// than the Limits given to NewReader.
package format
