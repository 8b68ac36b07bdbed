package format

import (
	"encoding/binary"
	"fmt"
)

// General frames (Zstd, Brotli) carry chunks coded with a general-purpose
// codec. Unlike a chunk's ANS message, whose every bit matters (a decoder
// must end with exactly the empty message), such a stream has bits a
// decoder ignores (padding, unused code lengths), so a flipped bit could go
// unnoticed; their payload therefore ends in a CRC-32C of the codec's bytes
// (SPEC.md section 4.4). A reader checks it before it decodes, so that
// damage never reaches the decoder either. Frame.Payload holds the codec's
// bytes without this trailer: AppendFrame adds it, Reader.Next checks and
// removes it.

// GeneralChunks is how many chunks' records a general frame may hold: a
// general-purpose codec gains from a longer history (2-3% on text cut at
// 784,000 bytes), where the model does not, so a writer gathers chunks no
// model fits into frames of up to GeneralChunks x chunk_records records
// (SPEC.md section 4.4), within MaxChunkBytes.
const GeneralChunks = 8

// maxRecords is the most records a frame of type t holds in an archive
// with header h.
func maxRecords(h *Header, t FrameType) int64 {
	c := int64(h.ChunkRecords)
	if t.IsGeneral() && h.RecordSize > 0 { // a header being checked may have none yet
		c = min(GeneralChunks*c, MaxChunkBytes/int64(h.RecordSize))
	}
	return c
}

// MaxFrameBytes is the most decoded bytes a frame of an archive with
// header h holds: a general frame's (GeneralChunks chunks, within
// MaxChunkBytes).
func (h *Header) MaxFrameBytes() int64 { return maxRecords(h, Zstd) * int64(h.RecordSize) }

// payloadCheckLen is the length of the trailer of a general frame's payload.
const payloadCheckLen = 4

// wirePayloadLen is the payload_len written for frame type t with a
// payload of n bytes.
// WirePayloadLen is the payload_len a frame of type t with a payload of n
// bytes has in the archive: n, plus the 4-byte check of a general frame.
// A writer compares it, not n, against the frame's decoded length.
func WirePayloadLen(t FrameType, n int) int64 { return wirePayloadLen(t, n) }

func wirePayloadLen(t FrameType, n int) int64 {
	if t.IsGeneral() {
		return int64(n) + payloadCheckLen
	}
	return int64(n)
}

// appendPayload appends the payload p of a frame of type t as it is
// written: with its trailer for a general frame.
func appendPayload(dst []byte, t FrameType, p []byte) []byte {
	dst = append(dst, p...)
	if t.IsGeneral() {
		dst = binary.LittleEndian.AppendUint32(dst, Checksum(p))
	}
	return dst
}

// splitPayload checks the trailer of a general frame's payload p (as read)
// and returns the codec's bytes; other payloads are returned as they are.
func splitPayload(t FrameType, p []byte) ([]byte, error) {
	if !t.IsGeneral() {
		return p, nil
	}
	n := len(p) - payloadCheckLen // checkFrame ensured n >= 1
	want := binary.LittleEndian.Uint32(p[n:])
	if got := Checksum(p[:n]); got != want {
		return nil, fmt.Errorf("%v frame payload has CRC-32C %#08x, its trailer says %#08x", t, got, want)
	}
	return p[:n], nil
}
