//go:build amd64 && !amd64.v2

package vae

// cmOnes is bits.OnesCount64 by shifts and adds. A GOAMD64=v1 build checks
// the CPU before each POPCNT and falls back to a call, and the registers
// the fast path must save around that call cost more than this count.
func cmOnes(x uint64) uint64 {
	x -= x >> 1 & 0x5555555555555555
	x = x&0x3333333333333333 + x>>2&0x3333333333333333
	x = (x + x>>4) & 0x0f0f0f0f0f0f0f0f
	return x * 0x0101010101010101 >> 56
}
