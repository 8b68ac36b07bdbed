package dataset

import "testing"

// mnistOrSkip loads an MNIST split, skipping the test if the GoMNIST
// module is not available.
func mnistOrSkip(t testing.TB, split string) *Dataset {
	t.Helper()
	d, err := LoadMNIST(split)
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	return d
}
