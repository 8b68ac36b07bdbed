package stream

import "github.com/bbans/bbans/format"

// frames appends the frames of the records in data: a chunk frame, or a
// stored frame when coding does not make the chunk smaller. A chunk that
// codes to fewer than 1/DefaultMaxRatio payload bytes per record byte is
// coded as two halves instead (recursively), so that every Reader with the
// default WithDecoderMaxRatio accepts what a Writer writes; a single record
// is never split.
//
// The payloads are appended to the coder's buffer (pay), reused from chunk
// to chunk: they are valid until the coder codes again.
func (c *chunkCoder) frames(dst []format.Frame, data []byte) []format.Frame {
	c.pay = c.pay[:0]
	return c.appendFrames(dst, data)
}

func (c *chunkCoder) appendFrames(dst []format.Frame, data []byte) []format.Frame {
	size := c.model.RecordSize()
	start := len(c.pay)
	c.pay = c.encode(c.pay, data)
	payload := c.pay[start:len(c.pay):len(c.pay)]
	n := len(data) / size
	if n > 1 && int64(len(data)) > int64(len(payload))*writerMaxRatio {
		c.pay = c.pay[:start]
		half := n / 2 * size
		dst = c.appendFrames(dst, data[:half])
		return c.appendFrames(dst, data[half:])
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
