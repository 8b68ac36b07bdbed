//go:build !unix

package simd

import "testing"

// Without mmap the edge buffers are ordinary slices.

func edgeBytes(t *testing.T, n int) []uint8 { return make([]uint8, n) }

func edgeInt32(t *testing.T, n int) []int32 { return make([]int32, n) }
