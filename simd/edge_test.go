//go:build unix

package simd

import (
	"syscall"
	"testing"
	"unsafe"
)

// edgeBytes returns a slice of n bytes that ends where an inaccessible page
// begins, so that a kernel reading past its input faults. Where mmap is not
// available it falls back to an ordinary slice.
func edgeBytes(t *testing.T, n int) []uint8 {
	page := syscall.Getpagesize()
	size := (n + page - 1) / page * page
	mem, err := syscall.Mmap(-1, 0, size+page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]uint8, n)
	}
	if err := syscall.Mprotect(mem[size:], syscall.PROT_NONE); err != nil {
		syscall.Munmap(mem)
		return make([]uint8, n)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	return mem[size-n : size : size]
}

// edgeInt32 is edgeBytes for int32.
func edgeInt32(t *testing.T, n int) []int32 {
	b := edgeBytes(t, 4*n)
	if n == 0 {
		return []int32{}
	}
	return unsafe.Slice((*int32)(unsafe.Pointer(&b[0])), n)
}
