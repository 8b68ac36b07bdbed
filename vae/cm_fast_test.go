package vae

import (
	"bytes"
	"testing"

	"github.com/bbans/bbans/vae/dataset"
)

// cmTestRecords returns records that reach many contexts and nodes: MNIST
// test images, random bytes, sparse random strokes and constant images,
// each with decoder logit indices over the whole range [0, 512].
func cmTestRecords(t *testing.T, m *Model, n int) (recs [][]byte, idx [][]uint16) {
	d := testImages(t, m, n)
	R := m.RecordSize()
	g := dataset.SplitMix64{State: 11}
	for i := range 4 * n {
		rec := make([]byte, R)
		switch i % 4 {
		case 0:
			copy(rec, d.Record(i/4))
		case 1:
			for j := range rec {
				rec[j] = byte(g.Next())
			}
		case 2:
			for j := range rec {
				switch r := g.Next() % 16; {
				case r < 11:
				case r < 14:
					rec[j] = 255 - byte(r&3)
				default:
					rec[j] = byte(g.Next())
				}
			}
		case 3:
			for j := range rec {
				rec[j] = byte(i * 37)
			}
		}
		ix := make([]uint16, R)
		for j := range ix {
			ix[j] = uint16(g.Next() % (arIdxLen))
		}
		recs, idx = append(recs, rec), append(idx, ix)
	}
	return recs, idx
}

// TestCMFastMatchesReference checks the fast path against cm.go's
// reference on mnist-cm and on a small model with sparse tables: every
// decision's probability (the encoder's side) and every record popped
// (the decoder's side, from the same message) are equal, and the messages
// left behind are equal.
func TestCMFastMatchesReference(t *testing.T) {
	models := []*Model{tinyCM(t)}
	if m, err := Builtin("mnist-cm"); err == nil {
		models = append(models, m)
	} else {
		t.Fatal(err)
	}
	for _, m := range models {
		cm := m.Lik.(*cmLik).rt
		recs, idx := cmTestRecords(t, m, 25)
		R := m.RecordSize()
		sc := newCMScratch(R, m.Arch.RecordShape().RowBytes())
		for i, rec := range recs {
			n := cm.decisions(sc, rec, idx[i])
			probs, dec := bytes.Clone(u16Bytes(sc.probs[:n])), bytes.Clone(sc.dec[:n])
			if got := cm.fastDecisions(sc, rec, idx[i]); got != n {
				t.Fatalf("%s record %d: %d decisions, reference %d", m.Name(), i, got, n)
			}
			if !bytes.Equal(u16Bytes(sc.probs[:n]), probs) || !bytes.Equal(sc.dec[:n], dec) {
				t.Fatalf("%s record %d: fast decisions differ from the reference", m.Name(), i)
			}
		}
		// Push every record, then pop them all back on both paths.
		msg := seededMessage(1000)
		for i, rec := range recs {
			cm.pushRecord(msg, 0, sc, rec, idx[i])
		}
		ref := msg.Clone()
		got, want := make([]byte, R), make([]byte, R)
		for i := len(recs) - 1; i >= 0; i-- {
			cm.popRecord(msg, 0, sc, got, idx[i])
			cm.refPopRecord(ref, 0, sc, want, idx[i])
			if !bytes.Equal(got, want) || !bytes.Equal(got, recs[i]) {
				t.Fatalf("%s record %d: fast pop %v, reference %v, pushed %v", m.Name(), i, got[:8], want[:8], recs[i][:8])
			}
		}
		if !msg.Equal(ref) {
			t.Errorf("%s: messages differ after the pops", m.Name())
		}
		// Pops from a message of garbage (as from a damaged archive) agree too.
		g := seededMessage(3000)
		r := g.Clone()
		for i := range 5 {
			cm.popRecord(g, 0, sc, got, idx[i])
			cm.refPopRecord(r, 0, sc, want, idx[i])
			if !bytes.Equal(got, want) {
				t.Fatalf("%s: pops of garbage differ at record %d", m.Name(), i)
			}
		}
		if !g.Equal(r) {
			t.Errorf("%s: messages differ after popping garbage", m.Name())
		}
	}
}

func u16Bytes(v []uint16) []byte {
	b := make([]byte, 0, 2*len(v))
	for _, x := range v {
		b = append(b, byte(x), byte(x>>8))
	}
	return b
}
