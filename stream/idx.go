package stream

import "encoding/binary"

// IDX files (the format MNIST is distributed in) start with a header: two
// zero bytes, a type byte (0x08 for unsigned bytes), the number of
// dimensions d, then d big-endian u32 sizes. The items are the product of
// all sizes but the first, in bytes. When that item size equals a model's
// record size, the Writer keeps the header verbatim in a raw frame and codes
// the items after it as aligned records.

const (
	idxTypeUbyte = 0x08
	idxMaxDims   = 4
	// idxSniffLen is the longest header recognised.
	idxSniffLen = 4 + 4*idxMaxDims
)

// idxHeader reports whether b starts with an IDX header of unsigned bytes,
// and if so its length and item size. need > 0 means more bytes are needed
// to decide.
func idxHeader(b []byte) (hdrLen, itemSize, need int) {
	if len(b) < 4 {
		return 0, 0, 4 - len(b)
	}
	if b[0] != 0 || b[1] != 0 || b[2] != idxTypeUbyte || b[3] < 1 || b[3] > idxMaxDims {
		return 0, 0, 0
	}
	hdrLen = 4 + 4*int(b[3])
	if len(b) < hdrLen {
		return 0, 0, hdrLen - len(b)
	}
	itemSize = 1
	for d := 1; d < int(b[3]); d++ {
		n := int(binary.BigEndian.Uint32(b[4+4*d:]))
		if n == 0 || itemSize > (1<<24)/n {
			return 0, 0, 0
		}
		itemSize *= n
	}
	return hdrLen, itemSize, 0
}
