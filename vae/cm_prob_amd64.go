//go:build !noasm && gc

package vae

import "github.com/klauspost/cpuid/v2"

// cmProbPOPCNT is cmFast.prob (the same arithmetic, term for term) in
// assembly with the POPCNT instruction: the Go compiler keeps prob out of
// line and spills most of its values, so a decision cost about 260
// instructions there and about 75 here. It reads cmPix and cmFast at the
// offsets that TestCMProbLayout checks.
//
//go:noescape
func cmProbPOPCNT(f *cmFast, px *cmPix, node uint, depth int) uint16

// cmProbAsm is whether prob runs cmProbPOPCNT (the CPU has POPCNT).
var cmProbAsm = cpuid.CPU.Supports(cpuid.POPCNT)

// probAny is prob, in assembly where the CPU allows it.
func (f *cmFast) probAny(px *cmPix, node uint, depth int) uint16 {
	if cmProbAsm {
		return cmProbPOPCNT(f, px, node, depth)
	}
	return f.prob(px, node, depth)
}
