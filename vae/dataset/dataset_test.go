package dataset

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"
)

func idxFile(n, rows, cols int) []byte {
	b := []byte{0, 0, 8, 3, 0, 0, 0, byte(n), 0, 0, 0, byte(rows), 0, 0, 0, byte(cols)}
	for i := range n * rows * cols {
		b = append(b, byte(i*37))
	}
	return b
}

func TestReadIDX(t *testing.T) {
	raw := idxFile(3, 4, 5)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	for name, b := range map[string][]byte{"plain": raw, "gzip": gz.Bytes()} {
		d, err := ReadIDX(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d.RecordSize != 20 || d.Len() != 3 || !bytes.Equal(d.Data, raw[16:]) {
			t.Errorf("%s: got %d records of %d bytes", name, d.Len(), d.RecordSize)
		}
	}
	bad := map[string][]byte{
		"empty":      nil,
		"magic":      append([]byte{1}, raw[1:]...),
		"type":       append([]byte{0, 0, 9}, raw[3:]...),
		"truncated":  raw[:len(raw)-1],
		"dims":       raw[:10],
		"huge":       {0, 0, 8, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		"zero-width": {0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 0},
		"bad-gzip":   {0x1f, 0x8b, 0, 0},
	}
	for name, b := range bad {
		if _, err := ReadIDX(bytes.NewReader(b)); !errors.Is(err, ErrDataset) {
			t.Errorf("%s: error %v, want ErrDataset", name, err)
		}
	}
}

func TestReadRaw(t *testing.T) {
	d, err := ReadRaw(bytes.NewReader(make([]byte, 30)), 10)
	if err != nil || d.Len() != 3 {
		t.Fatalf("got %v, %v", d, err)
	}
	if _, err := ReadRaw(bytes.NewReader(make([]byte, 31)), 10); !errors.Is(err, ErrDataset) {
		t.Errorf("partial record: %v", err)
	}
	if _, err := ReadRaw(bytes.NewReader(nil), 0); err == nil {
		t.Errorf("record size 0 accepted")
	}
	if _, err := ReadRaw(io.MultiReader(), 5); err != nil {
		t.Errorf("empty file: %v", err)
	}
}

func TestSplitMix64(t *testing.T) {
	// Reference outputs of Vigna's splitmix64.c seeded with 0.
	g := SplitMix64{}
	for _, want := range []uint64{0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f} {
		if got := g.Next(); got != want {
			t.Fatalf("got %#x, want %#x", got, want)
		}
	}
}

func TestSampleBit(t *testing.T) {
	for _, draw := range []uint64{0, 1 << 63, ^uint64(0)} {
		if sampleBit(draw, 0) != 0 || sampleBit(draw, 255) != 1 {
			t.Errorf("draw %#x: 0 -> %d, 255 -> %d", draw, sampleBit(draw, 0), sampleBit(draw, 255))
		}
	}
	// Bit 1 iff (draw>>32)*255 < v*2^32: the boundary for v = 128.
	u := (uint64(128)<<32 + 254) / 255 // smallest u with u*255 >= 128*2^32
	if sampleBit((u-1)<<32, 128) != 1 || sampleBit(u<<32, 128) != 0 {
		t.Errorf("boundary for 128 is not at u = %d", u)
	}
	d := &Dataset{RecordSize: 1, Data: bytes.Repeat([]byte{51}, 100000)}
	ones := 0
	for _, b := range Sample(d, 1).Data {
		ones += int(b)
	}
	if ones < 19500 || ones > 20500 { // p = 0.2
		t.Errorf("%d ones in 100000 draws at p = 0.2", ones)
	}
}

// TestMNISTBinarizations pins the binarized MNIST test set byte for byte
// (SPEC.md section 2 gives the same digests).
func TestMNISTBinarizations(t *testing.T) {
	d := mnistOrSkip(t, "test")
	if d.Len() != 10000 || d.RecordSize != 784 {
		t.Fatalf("test set has %d records of %d bytes", d.Len(), d.RecordSize)
	}
	for _, c := range []struct {
		b    Binarization
		want string
	}{
		{None, mnistTestSHA},
		{Threshold, mnistThresholdSHA},
		{Sampled, mnistSampledSHA},
	} {
		bd, err := Binarize(d, c.b)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(bd.Data)
		if got := hex.EncodeToString(sum[:]); got != c.want {
			t.Errorf("%v: SHA-256 %s, want %s", c.b, got, c.want)
		}
	}
	if _, err := Binarize(d, Dynamic); err == nil {
		t.Errorf("dynamic binarization of a file accepted")
	}
}

const (
	mnistTestSHA      = "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161"
	mnistThresholdSHA = "89ba780dee8bae72a6e99d565e97bc93a9069e969c7ec81008f4a5cdf9e778a7"
	mnistSampledSHA   = "502021ffb0a03b9b18df1e247fb5f1787d71cfa5f17367c6e53fd0b070b9c4aa"
)
