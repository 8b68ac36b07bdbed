package stream

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/bbans/bbans/format"
	"github.com/bbans/bbans/vae"
)

var toy = newToyModel()

func encodeToy(t testing.TB, data []byte, opts ...WOption) []byte {
	t.Helper()
	out, err := EncodeAll(data, nil, append([]WOption{WithModel(toy)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func decodeToy(t testing.TB, archive []byte, opts ...ROption) []byte {
	t.Helper()
	out, err := DecodeAll(archive, nil, append([]ROption{WithModels(toy)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// idxFile returns an IDX file of n toy records (dims n x 4 x 6).
func idxFile(n int) []byte {
	h := []byte{0, 0, 8, 3}
	h = binary.BigEndian.AppendUint32(h, uint32(n))
	h = binary.BigEndian.AppendUint32(h, 4)
	h = binary.BigEndian.AppendUint32(h, 6)
	return append(h, toyRecords(toy, n, 0, 5)...)
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 3))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"one byte", []byte{1}},
		{"partial record", toyRecords(toy, 1, 0, 1)[:toySize-1]},
		{"one record", toyRecords(toy, 1, 0, 1)},
		{"exactly one chunk", toyRecords(toy, 50, 0, 2)},
		{"many chunks", toyRecords(toy, 537, 0, 3)},
		{"many chunks and a tail", append(toyRecords(toy, 537, 0, 3), 1, 0, 1)},
		{"escapes", toyRecords(toy, 300, 7, 4)},
		{"random bytes (stored)", randomBytes(5000, 1)},
		{"idx", idxFile(123)},
		{"text", bytes.Repeat([]byte("bits back with ANS; "), 100)},
	}
	for _, c := range cases {
		for _, conc := range []int{1, 2, 3, 8} {
			t.Run(fmt.Sprintf("%s/T=%d", c.name, conc), func(t *testing.T) {
				a := encodeToy(t, c.data, WithChunkRecords(50), WithLanes(3), WithEncoderConcurrency(conc))
				got := decodeToy(t, a, WithDecoderConcurrency(conc))
				if !bytes.Equal(got, c.data) {
					t.Fatalf("round trip differs: %d bytes in, %d out", len(c.data), len(got))
				}
			})
		}
	}
}

// frameTypes lists the frame types of an archive, in order.
func frameTypes(t *testing.T, a []byte) []format.FrameType {
	t.Helper()
	fr := format.NewReader(bytes.NewReader(a), format.Limits{})
	var types []format.FrameType
	for {
		if _, err := fr.ReadHeader(); err == io.EOF {
			return types
		} else if err != nil {
			t.Fatal(err)
		}
		for {
			f, err := fr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			types = append(types, f.Type)
		}
	}
}

func TestFrameChoice(t *testing.T) {
	count := func(ts []format.FrameType, want format.FrameType) int {
		n := 0
		for _, t := range ts {
			if t == want {
				n++
			}
		}
		return n
	}
	ts := frameTypes(t, encodeToy(t, idxFile(120), WithChunkRecords(50)))
	if ts[0] != format.Raw || count(ts, format.Chunk) != 3 || count(ts, format.Tail) != 0 {
		t.Errorf("IDX file: frames %v, want raw, 3 chunks, end", ts)
	}
	ts = frameTypes(t, encodeToy(t, idxFile(120), WithChunkRecords(50), WithIDX(false)))
	if ts[0] == format.Raw || count(ts, format.Tail) != 1 {
		t.Errorf("IDX file with WithIDX(false): frames %v, want no raw frame and a tail", ts)
	}
	ts = frameTypes(t, encodeToy(t, randomBytes(24*100, 2), WithChunkRecords(50)))
	if count(ts, format.Stored) != 1 {
		t.Errorf("random bytes: frames %v, want one stored frame (two chunks merged)", ts)
	}
}

// TestIncompressibleGrowth checks the promise for data the model cannot
// code: at most 0.1% plus 64 bytes bigger than the input.
func TestIncompressibleGrowth(t *testing.T) {
	for _, n := range []int{0, 1, 100, 24 * 1000, 1 << 20} {
		for _, data := range [][]byte{randomBytes(n, uint64(n)), bytes.Repeat([]byte("text!"), n/5)} {
			a := encodeToy(t, data)
			if limit := len(data) + len(data)/1000 + 64; len(a) > limit {
				t.Errorf("%d bytes grew to %d, limit %d", len(data), len(a), limit)
			}
			if got := decodeToy(t, a); !bytes.Equal(got, data) {
				t.Errorf("%d bytes: round trip differs", len(data))
			}
		}
	}
}

func TestConcatenated(t *testing.T) {
	a := toyRecords(toy, 70, 0, 6)
	b := randomBytes(100, 7)
	c := idxFile(10)
	var all []byte
	all = append(all, encodeToy(t, a, WithChunkRecords(30))...)
	all = append(all, encodeToy(t, b, WithLanes(1))...)
	all = append(all, encodeToy(t, nil)...)
	all = append(all, encodeToy(t, c, WithEmbeddedModel(true))...)
	got := decodeToy(t, all)
	want := append(append(append([]byte(nil), a...), b...), c...)
	if !bytes.Equal(got, want) {
		t.Fatal("concatenated archives do not decode to the concatenated content")
	}
}

func TestWriterReset(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, WithModel(toy), WithChunkRecords(20))
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(nil, WithModels(toy))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		buf.Reset()
		w.Reset(&buf)
		data := toyRecords(toy, 10*i+3, 5, uint64(i))
		// Write in odd pieces, flushing once in the middle.
		for j := 0; j < len(data); j += 37 {
			if _, err := w.Write(data[j:min(j+37, len(data))]); err != nil {
				t.Fatal(err)
			}
			if j == 37*2 {
				if err := w.Flush(); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		r.Reset(bytes.NewReader(buf.Bytes()))
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("reuse %d: round trip differs", i)
		}
	}
}

// TestFlushIsDecodable checks that after Flush everything written so far
// can be read, before Close.
func TestFlushIsDecodable(t *testing.T) {
	pr, pw := io.Pipe()
	w, _ := NewWriter(pw, WithModel(toy), WithChunkRecords(10))
	r, _ := NewReader(pr, WithModels(toy))
	data := toyRecords(toy, 25, 0, 8)
	go func() {
		w.Write(data[:24*13+5])
		w.Flush()
	}()
	got := make([]byte, 24*13+5)
	if _, err := io.ReadFull(r, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data[:len(got)]) {
		t.Fatal("flushed data differs")
	}
	pw.Close()
}

func TestReaderErrors(t *testing.T) {
	good := encodeToy(t, toyRecords(toy, 100, 0, 9), WithChunkRecords(30))
	if _, err := DecodeAll(nil, nil, WithModels(toy)); !errors.Is(err, format.ErrHeader) {
		t.Errorf("empty input: %v, want ErrHeader", err)
	}
	var mu *format.ModelUnavailableError
	if _, err := DecodeAll(good, nil); !errors.As(err, &mu) || mu.Name != "toy" || mu.Embedded {
		t.Errorf("unknown model: %v, want ModelUnavailableError naming toy, not embedded", err)
	}
	// Without general frames, which would code these ten records without
	// the model (and the archive would then name none).
	emb := encodeToy(t, toyRecords(toy, 10, 0, 9), WithEmbeddedModel(true), WithGeneralCodec(false))
	if _, err := DecodeAll(emb, nil, WithEmbeddedModels(false)); !errors.As(err, &mu) || !mu.Embedded {
		t.Errorf("embedded model refused: %v, want ModelUnavailableError saying it is embedded", err)
	}
	if _, err := DecodeAll(good[:len(good)-3], nil, WithModels(toy)); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated: %v, want io.ErrUnexpectedEOF", err)
	}
	// A flipped bit in the first chunk's payload is a checksum error with
	// the chunk's offset, and no output after the damage.
	bad := bytes.Clone(good)
	bad[len(bad)/3] ^= 0x10
	r, _ := NewReader(bytes.NewReader(bad), WithModels(toy))
	out, err := io.ReadAll(r)
	var ce *format.CorruptInputError
	if !errors.As(err, &ce) {
		t.Fatalf("bit flip: %v, want a CorruptInputError", err)
	}
	t.Logf("bit flip at %d: %v (after %d good bytes)", len(bad)/3, err, len(out))
}

// TestBuiltinsParse checks that every built-in model registered without
// parsing has the name, hash and record size of the parsed model.
func TestBuiltinsParse(t *testing.T) {
	for _, m := range Models() {
		l, ok := m.(*lazyBuiltin)
		if !ok {
			continue
		}
		vm, err := vae.Builtin(l.name)
		if err != nil {
			t.Fatal(err)
		}
		if l.Hash() != vm.Hash() || l.RecordSize() != vm.RecordSize() || !bytes.Equal(l.File(), vm.File()) {
			t.Errorf("%s: registered hash %x, record size %d; parsed %x, %d", l.name, l.Hash(), l.RecordSize(), vm.Hash(), vm.RecordSize())
		}
		if l.load() == nil || !l.Codable(make([]byte, vm.RecordSize())) {
			t.Errorf("%s: does not load or code a record of zeros", l.name)
		}
	}
}
