//go:build !amd64 || amd64.v2

package vae

import "math/bits"

// cmOnes is bits.OnesCount64, one instruction where the target has it
// without a CPU check (GOAMD64=v2 and up, arm64).
func cmOnes(x uint64) uint64 { return uint64(bits.OnesCount64(x)) }
