package vae

import (
	"bytes"
	"testing"

	"github.com/bbans/bbans/ans"
)

// TestCMFProtoRoundTrip checks that the prototypes BenchmarkCMFProto
// times pop what they pushed (tables from 300 training images, 20 test
// images), and that the wide one's context changes its probabilities;
// -short leaves out the wide one (its counts take 134 MB while fitting).
func TestCMFProtoRoundTrip(t *testing.T) {
	m, err := Builtin("mnist-cm")
	if err != nil {
		t.Fatal(err)
	}
	train := mnistOrSkip(t, "train").Slice(0, 300)
	tidx := m.sampleLogits(train, 1)
	test := mnistOrSkip(t, "test").Slice(0, 20)
	idx := m.sampleLogits(test, 1)
	R := m.RecordSize()
	if testing.Short() {
		p := fitCMFProto(train, tidx, false)
		msg := ans.NewMessage(1)
		p.push(msg, test.Record(0), idx[:R])
		out := make([]byte, R)
		p.pop(msg, out, idx[:R])
		if !bytes.Equal(out, test.Record(0)) {
			t.Fatal("record popped wrong")
		}
		return
	}
	for _, wide := range []bool{false, true} {
		p := fitCMFProto(train, tidx, wide)
		msg := ans.NewMessage(1)
		for i := range test.Len() {
			p.push(msg, test.Record(i), idx[i*R:(i+1)*R])
		}
		out := make([]byte, R)
		for i := test.Len() - 1; i >= 0; i-- {
			p.pop(msg, out, idx[i*R:(i+1)*R])
			if !bytes.Equal(out, test.Record(i)) {
				t.Fatalf("wide=%v: record %d popped wrong", wide, i)
			}
		}
	}
	small, wide := fitCMFProto(train, tidx, false), fitCMFProto(train, tidx, true)
	n := small.decisions(test.Record(0), idx[:R])
	w := wide.decisions(test.Record(0), idx[:R])
	if n != w || bytes.Equal(u16bytes(small.pr[:n]), u16bytes(wide.pr[:w])) {
		t.Errorf("small and wide prototypes give the same %d probabilities (or counts %d, %d differ)", n, n, w)
	}
}

func u16bytes(s []uint16) []byte {
	b := make([]byte, 0, 2*len(s))
	for _, v := range s {
		b = append(b, byte(v), byte(v>>8))
	}
	return b
}
