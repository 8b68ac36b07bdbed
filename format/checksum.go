package format

import "hash/crc32"

// castagnoli is the CRC-32C table; hash/crc32 uses the SSE4.2 and ARMv8 CRC
// instructions for it, so checksumming costs far less than coding.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Checksum returns the CRC-32C (Castagnoli) of p, the checksum every frame
// carries for its decoded content.
func Checksum(p []byte) uint32 { return crc32.Checksum(p, castagnoli) }

// UpdateChecksum returns the CRC-32C of the bytes summarised by crc followed
// by p.
func UpdateChecksum(crc uint32, p []byte) uint32 { return crc32.Update(crc, castagnoli, p) }

// CombineChecksum returns the CRC-32C of A followed by B, given crcA =
// CRC-32C(A), crcB = CRC-32C(B) and lenB = len(B). It lets the end frame's
// checksum of all content be computed from the frames' own checksums, with
// no second pass over the content.
//
// This is zlib's crc32_combine (1.2.12 and later) for the reflected
// Castagnoli polynomial. CRC is linear: CRC(A||B) = CRC(A)*x^(8*lenB) mod P
// xor CRC(B), where the pre- and post-inversions of the two CRCs cancel
// except for the ones already inside crcB. In the reflected representation
// the bit 1<<31 is x^0, and x^(8n) is built from the table of x^(2^k) by
// square-and-multiply over the bits of n, so the cost is O(log lenB).
func CombineChecksum(crcA, crcB uint32, lenB int64) uint32 {
	if lenB <= 0 {
		return crcA
	}
	return multModP(x2nModP(uint64(lenB), 3), crcA) ^ crcB
}

const polyCastagnoliReflected = 0x82f63b78

// multModP returns a*b modulo P, polynomials in reflected bit order.
func multModP(a, b uint32) uint32 {
	var p uint32
	for m := uint32(1) << 31; m != 0; m >>= 1 {
		if a&m != 0 {
			p ^= b
		}
		// b *= x: a right shift in reflected order, reduced by P.
		if b&1 != 0 {
			b = b>>1 ^ polyCastagnoliReflected
		} else {
			b >>= 1
		}
	}
	return p
}

// x2nTable[k] = x^(2^k) mod P, for every k that x2nModP can reach with
// n < 2^64 and k starting at 3. (zlib keeps 32 entries and wraps k, which is
// right only when x^(2^32) = x mod P; a longer table needs no such fact.)
var x2nTable = func() (t [67]uint32) {
	p := uint32(1) << 30 // x^1
	for k := range t {
		t[k] = p
		p = multModP(p, p)
	}
	return t
}()

// x2nModP returns x^(n * 2^k) mod P.
func x2nModP(n uint64, k uint) uint32 {
	p := uint32(1) << 31 // x^0
	for ; n != 0; n >>= 1 {
		if n&1 != 0 {
			p = multModP(x2nTable[k], p)
		}
		k++
	}
	return p
}
