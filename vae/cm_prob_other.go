//go:build noasm || !gc || !amd64

package vae

// cmProbAsm is false: there is no assembly prob on this build.
var cmProbAsm = false

// probAny is prob.
func (f *cmFast) probAny(px *cmPix, node uint, depth int) uint16 { return f.prob(px, node, depth) }
