package format

import (
	"encoding/hex"
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by a Reader are *CorruptInputError values
// that wrap one of these (or io.ErrUnexpectedEOF), so that callers test the
// class with errors.Is and still learn the byte offset with errors.As.
var (
	// ErrHeader reports an archive header that is not valid: wrong magic,
	// bad header checksum, or a field out of range.
	ErrHeader = errors.New("bbans: invalid header")
	// ErrVersion reports an archive written by a newer major version of the
	// format, or one using a header flag this reader does not know.
	ErrVersion = errors.New("bbans: unsupported archive version")
	// ErrFrame reports a frame header that is damaged (its checksum does not
	// match) or whose fields break the rules of its frame type.
	ErrFrame = errors.New("bbans: invalid frame")
	// ErrFrameType reports a mandatory (non-skippable) frame type this
	// reader does not know.
	ErrFrameType = errors.New("bbans: unknown frame type")
	// ErrChecksum reports decoded content that does not match its CRC-32C,
	// or an end frame whose totals do not match the frames before it.
	ErrChecksum = errors.New("bbans: invalid checksum")
	// ErrLimit reports a size claimed by the input that exceeds the reader's
	// Limits. The input may be valid; the reader refuses to allocate for it.
	ErrLimit = errors.New("bbans: size exceeds reader limit")
)

// CorruptInputError reports damaged or unacceptable input at a byte offset
// of the archive stream (counted from the first byte given to the Reader,
// across concatenated archives). Err is the class of the problem: one of
// the sentinel errors of this package or io.ErrUnexpectedEOF; errors.Is
// sees through to it.
type CorruptInputError struct {
	Offset int64  // byte offset where the problem was found
	Reason string // what is wrong, for people
	Err    error  // class: ErrHeader, ErrFrame, ErrChecksum, io.ErrUnexpectedEOF, ...
}

func (e *CorruptInputError) Error() string {
	class := "corrupt input"
	if e.Err != nil {
		class = e.Err.Error()
	}
	return fmt.Sprintf("%s at offset %d: %s", class, e.Offset, e.Reason)
}

func (e *CorruptInputError) Unwrap() error { return e.Err }

func corrupt(off int64, class error, format string, args ...any) error {
	return &CorruptInputError{Offset: off, Reason: fmt.Sprintf(format, args...), Err: class}
}

// ModelUnavailableError reports that an archive needs a model that is
// neither built in, nor given by the caller, nor embedded in the archive.
// Package stream returns it; it is defined here so that every layer names
// the missing model the same way.
type ModelUnavailableError struct {
	Name string   // model name from the archive header
	Hash [32]byte // model SHA-256 from the archive header
	// Embedded reports that the archive does embed the model, and the
	// reader was told not to use embedded models.
	Embedded bool
}

func (e *ModelUnavailableError) Error() string {
	if e.Embedded {
		return fmt.Sprintf("bbans: model %q (sha256 %s) is embedded in the archive, but embedded models are refused; give the model with the model option",
			e.Name, hex.EncodeToString(e.Hash[:]))
	}
	return fmt.Sprintf("bbans: model %q (sha256 %s) is not available; give it with the model option or write archives with an embedded model",
		e.Name, hex.EncodeToString(e.Hash[:]))
}
