package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/bbans/bbans/format"
	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

// isCorrupt reports whether err says the input is not a valid archive (or
// model file) or is damaged: the errors that give exitCorrupt.
//
// A model that is not at hand is not damage: an archive that needs one
// gives exitFailure, as a missing file does.
func isCorrupt(err error) bool {
	var ce *format.CorruptInputError
	if errors.As(err, &ce) {
		return true
	}
	for _, s := range []error{format.ErrHeader, format.ErrVersion, format.ErrFrame, format.ErrFrameType,
		format.ErrChecksum, format.ErrLimit, io.ErrUnexpectedEOF, vae.ErrModelFile, dataset.ErrDataset} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// exitCode maps an error to the exit code of the command that met it.
func exitCode(err error) int {
	switch {
	case err == nil:
		return exitOK
	case isIOError(err):
		return exitFailure
	case isCorrupt(err):
		return exitCorrupt
	case errors.Is(err, errShapeFlag):
		return exitUsage
	default:
		return exitFailure
	}
}

// describe turns err into a message for people. Errors of package format
// carry the class and the byte offset; say both plainly.
func describe(err error) string {
	var ce *format.CorruptInputError
	if errors.As(err, &ce) {
		what := "damaged archive"
		switch {
		case errors.Is(ce, io.ErrUnexpectedEOF):
			what = "truncated archive"
		case errors.Is(ce, format.ErrHeader) && strings.Contains(ce.Reason, "bad magic"):
			// The reason says what the bytes are not; say it once.
			if ce.Offset == 0 {
				return "not a bbans archive (its first bytes are not the bbans magic)"
			}
			return fmt.Sprintf("%s, at byte %d", strings.TrimSuffix(ce.Reason, " (bad magic)"), ce.Offset)
		case errors.Is(ce, format.ErrHeader):
			what = "damaged archive header"
		case errors.Is(ce, format.ErrVersion):
			what = "archive of a newer format version"
		case errors.Is(ce, format.ErrLimit):
			what = "archive exceeds the decoder's limits"
		case errors.Is(ce, format.ErrChecksum):
			what = "damaged archive (checksum mismatch)"
		}
		reason := ce.Reason
		if reason == "" && ce.Err != nil {
			reason = strings.TrimPrefix(ce.Err.Error(), "bbans: ")
		}
		return fmt.Sprintf("%s at byte %d: %s", what, ce.Offset, reason)
	}
	var mu *format.ModelUnavailableError
	if errors.As(err, &mu) {
		if mu.Embedded {
			return fmt.Sprintf("archive needs model %q (sha256 %x), which it embeds, but --no-embedded-model refuses embedded models; give the model with -m FILE.bbm", mu.Name, mu.Hash[:8])
		}
		return fmt.Sprintf("archive needs model %q (sha256 %x), which is not built in and not embedded; give it with -m FILE.bbm", mu.Name, mu.Hash[:8])
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "truncated archive: " + err.Error()
	}
	return strings.TrimPrefix(err.Error(), "bbans: ")
}

// report prints "bbans: NAME: message" for err and returns its exit code.
func report(e *env, name string, err error) int {
	if name == "" {
		fmt.Fprintf(e.stderr, "bbans: %s\n", describe(err))
	} else {
		fmt.Fprintf(e.stderr, "bbans: %s: %s\n", name, describe(err))
	}
	return exitCode(err)
}

// worst combines the exit codes of several files: damaged input outranks
// other failures, which outrank success.
func worst(a, b int) int {
	rank := func(c int) int {
		switch c {
		case exitOK:
			return 0
		case exitFailure:
			return 1
		case exitUsage:
			return 2
		}
		return 3
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

// isIOError reports whether err is a failure to read the input or write
// the output, which is never the input's fault.
func isIOError(err error) bool {
	var ie *inputError
	var oe *outputError
	return errors.As(err, &ie) || errors.As(err, &oe)
}
