package stream

import "github.com/bbans/bbans/format"

// frames appends the frames of the records in data: a chunk frame, or a
// stored frame when coding does not make the chunk smaller. A chunk that
// codes to fewer than 1/DefaultMaxRatio payload bytes per record byte is
// coded as two halves instead (recursively), so that every Reader with the
// default WithDecoderMaxRatio accepts what a Writer writes; a single record
// is never split.
func (c *chunkCoder) frames(dst []format.Frame, data []byte) []format.Frame {
	size := c.model.RecordSize()
	payload := c.encode(make([]byte, 0, len(data)/4), data)
	n := len(data) / size
	if n > 1 && int64(len(data)) > int64(len(payload))*writerMaxRatio {
		half := n / 2 * size
		dst = c.frames(dst, data[:half])
		return c.frames(dst, data[half:])
	}
	f := format.Frame{
		Type:       format.Chunk,
		Records:    int64(n),
		DecodedLen: int64(len(data)),
		CRC:        format.Checksum(data),
		Payload:    payload,
	}
	if len(payload) >= len(data) {
		f.Type = format.Stored
		f.Payload = data
	}
	return append(dst, f)
}

// writerMaxRatio is DefaultMaxRatio; tests lower it to reach the split.
var writerMaxRatio int64 = DefaultMaxRatio
