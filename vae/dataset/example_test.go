package dataset_test

import (
	"fmt"

	"github.com/bbans/bbans/vae/dataset"
)

// The two binarizations of SPEC.md section 2 on one 8-byte record.
func ExampleBinarize() {
	d := &dataset.Dataset{RecordSize: 8, Data: []byte{0, 30, 64, 127, 128, 200, 250, 255}}
	th, _ := dataset.Binarize(d, dataset.Threshold)
	sa, _ := dataset.Binarize(d, dataset.Sampled)
	fmt.Println(th.Data)
	fmt.Println(sa.Data)
	// Output:
	// [0 0 0 0 1 1 1 1]
	// [0 0 0 0 0 1 1 1]
}
