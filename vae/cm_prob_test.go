package vae

import (
	"testing"
	"unsafe"
)

// TestCMProbLayout holds cmPix and cmFast to the offsets that the assembly
// prob (cm_prob_amd64.s) reads: a field moved there would read garbage.
func TestCMProbLayout(t *testing.T) {
	var px cmPix
	var f cmFast
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"cmPix.rec", unsafe.Offsetof(px.rec), 0},
		{"cmPix.u", unsafe.Offsetof(px.u), 40},
		{"cmPix.tb", unsafe.Offsetof(px.tb), 72},
		{"cmFast.rows", unsafe.Offsetof(f.rows), 0},
		{"cmFast.squash", unsafe.Offsetof(f.squash), 8},
		{"cmFast.l0", unsafe.Offsetof(f.l0), 16},
	} {
		if c.got != c.want && unsafe.Sizeof(uintptr(0)) == 8 {
			t.Errorf("%s at offset %d, the assembly reads %d", c.name, c.got, c.want)
		}
	}
}

// TestCMProbAsmMatchesGo compares the assembly prob (where it runs) with
// the Go one on every node of every pixel of mnist-cm's test records.
func TestCMProbAsmMatchesGo(t *testing.T) {
	if !cmProbAsm {
		t.Skip("no assembly prob on this build or CPU")
	}
	m, err := Builtin("mnist-cm")
	if err != nil {
		t.Fatal(err)
	}
	cm := m.Lik.(*cmLik).rt
	recs, idx := cmTestRecords(t, m, 4)
	sc := newCMScratch(m.RecordSize(), m.Arch.RecordShape().RowBytes())
	f := &cm.fast
	n := 0
	for r, rec := range recs {
		sc.start(idx[r])
		for y := range sc.h {
			up := sc.rowUp(y)
			for x := range sc.w {
				i := y*sc.w + x
				lv := sc.lv[(y+2)*sc.stride+x : (y+2)*sc.stride+x+2]
				var px cmPix
				cm.pixel(&px, sc, x, y, uint32(lv[1])<<24|uint32(lv[0])<<12|up[x], idx[r][i])
				for node := uint(0); node < cmNodes; node++ {
					depth := int(cmDepth[node])
					if got, want := f.probAny(&px, node, depth), f.prob(&px, node, depth); got != want {
						t.Fatalf("record %d pixel %d node %d: assembly %d, Go %d", r, i, node, got, want)
					}
					n++
				}
				sc.set(i, rec[i])
			}
		}
	}
	t.Logf("%d probabilities equal", n)
}
