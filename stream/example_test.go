package stream_test

import (
	"bytes"
	"fmt"
	"io"
	"log"

	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae/dataset"
)

// Compress binarized MNIST images through a Writer and read them back
// through a Reader. With no model option the Writer picks the built-in
// binarized model.
func Example() {
	test, err := dataset.LoadMNIST("test")
	if err != nil {
		log.Fatal(err)
	}
	images, err := dataset.Binarize(test.Slice(0, 1000), dataset.Threshold)
	if err != nil {
		log.Fatal(err)
	}

	var archive bytes.Buffer
	w, err := stream.NewWriter(&archive)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := w.Write(images.Data); err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	bitsPerDim := float64(8*archive.Len()) / float64(len(images.Data))
	fmt.Printf("%d bytes in, under 0.2 bits per pixel: %v\n", len(images.Data), bitsPerDim < 0.2)

	r, err := stream.NewReader(&archive)
	if err != nil {
		log.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("identical:", bytes.Equal(out, images.Data))
	// Output:
	// 784000 bytes in, under 0.2 bits per pixel: true
	// identical: true
}

// EncodeAll and DecodeAll code whole buffers. Bytes that are not images
// round-trip too, stored at a cost of a few bytes.
func ExampleEncodeAll() {
	text := []byte("Not an image: stored verbatim, with a checksum.")
	archive, err := stream.EncodeAll(text, nil)
	if err != nil {
		log.Fatal(err)
	}
	back, err := stream.DecodeAll(archive, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(back))
	fmt.Println("overhead under 64 bytes:", len(archive)-len(text) < 64)
	// Output:
	// Not an image: stored verbatim, with a checksum.
	// overhead under 64 bytes: true
}

// Read single records and a shuffled batch of an archive without decoding
// the rest: each record costs the decoding of the one chunk that holds it.
func ExampleNewReaderAt() {
	test, err := dataset.LoadMNIST("test")
	if err != nil {
		log.Fatal(err)
	}
	images, err := dataset.Binarize(test.Slice(0, 300), dataset.Threshold)
	if err != nil {
		log.Fatal(err)
	}
	archive, err := stream.EncodeAll(images.Data, nil, stream.WithChunkRecords(100))
	if err != nil {
		log.Fatal(err)
	}

	z, err := stream.NewReaderAt(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		log.Fatal(err)
	}
	img, err := z.Record(250)
	if err != nil {
		log.Fatal(err)
	}
	batch, err := z.AppendBatch(nil, []int64{17, 204, 3})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(z.Records(), "records;", len(img), "bytes in record 250, equal:", bytes.Equal(img, images.Data[250*784:251*784]))
	fmt.Println(len(batch)/784, "records in the batch, the second equal:", bytes.Equal(batch[784:2*784], images.Data[204*784:205*784]))
	// Output:
	// 300 records; 784 bytes in record 250, equal: true
	// 3 records in the batch, the second equal: true
}
