package stream

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/bbans/bbans/vae/dataset"
)

// boundInputs are inputs that broke the size bound or made the archive
// depend on the concurrency: all stored with more chunks than threads, and
// mixtures of records the model codes and records it cannot.
func boundInputs(t testing.TB) map[string][]byte {
	mnist := mnistSlice(t, 0, 6, dataset.Threshold)
	gray := mnistSlice(t, 6, 12, dataset.None)
	ins := map[string][]byte{
		"0x30x18 0x37x3118": append(bytes.Repeat([]byte{0x30}, 18), bytes.Repeat([]byte{0x37}, 3118)...),
		"1568 sevens":       bytes.Repeat([]byte("7"), 1568),
		"3920 random":       randomBytes(3920, 1),
		"random 40 KB":      randomBytes(40<<10, 2),
		"random 140 KB":     randomBytes(140<<10, 3),
		"binarized":         mnist,
		"8-bit":             gray,
	}
	var mixed, mixedGray []byte
	for i := range 6 {
		mixed = append(mixed, mnist[i*784:(i+1)*784]...)
		mixed = append(mixed, randomBytes(784, uint64(i))...)
		mixedGray = append(mixedGray, gray[i*784:(i+1)*784]...)
		mixedGray = append(mixedGray, randomBytes(784*3, uint64(i))...)
	}
	ins["binarized and random"] = mixed
	ins["8-bit and random"] = append(mixedGray, 1, 2, 3)
	ins["random then binarized"] = append(randomBytes(130<<10, 4), mnist...)
	return ins
}

// TestConcurrencyIndependent checks that the archive is the same for every
// encoder concurrency, 1 to 8 (1, 2, 5 and 8 with -short, which CI's -race
// run uses), on inputs where it used to differ (and on MNIST), for chunk
// sizes down to one record.
func TestConcurrencyIndependent(t *testing.T) {
	concs := []int{1, 2, 3, 4, 5, 6, 7, 8}
	if testing.Short() {
		concs = []int{1, 2, 5, 8}
	}
	for name, data := range boundInputs(t) {
		for _, chunk := range []int{1, 3, 1000} {
			if chunk < 1000 && len(data) > 64<<10 {
				continue // small chunks of 140 KB: slow, and the same paths as smaller inputs
			}
			t.Run(fmt.Sprintf("%s/chunk %d", name, chunk), func(t *testing.T) {
				var first []byte
				for _, conc := range concs {
					a, err := EncodeAll(data, nil, WithChunkRecords(chunk), WithLanes(2), WithEncoderConcurrency(conc))
					if err != nil {
						t.Fatal(err)
					}
					if conc == 1 {
						first = a
						got, err := DecodeAll(a, nil)
						if err != nil || !bytes.Equal(got, data) {
							t.Fatalf("round trip: %v", err)
						}
						continue
					}
					if !bytes.Equal(a, first) {
						t.Fatalf("-T %d gives %d bytes, -T 1 %d: the archive depends on the concurrency", conc, len(a), len(first))
					}
				}
				if limit := len(data) + len(data)/1000 + 64; len(first) > limit {
					t.Errorf("%d bytes grew to %d, above the bound %d", len(data), len(first), limit)
				}
			})
		}
	}
}
