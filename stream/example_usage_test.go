package stream_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"sync"

	"github.com/bbans/bbans/format"
	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae"
)

// bars returns n binarized 28x28 images, each a horizontal bar (bytes 0
// and 1), for examples that need no data set.
func bars(n int) []byte {
	b := make([]byte, n*784)
	for i := range n {
		row := 4 + i%20
		for x := 4; x < 24; x++ {
			b[i*784+row*28+x] = 1
		}
	}
	return b
}

// Options are checked when the Writer is made: a value out of range is an
// error that says so. The archive header records the choices (read here
// with package format).
func ExampleNewWriter_options() {
	if _, err := stream.NewWriter(io.Discard, stream.WithLanes(0)); err != nil {
		fmt.Println(err)
	}

	var archive bytes.Buffer
	w, err := stream.NewWriter(&archive,
		stream.WithChunkRecords(100),     // records per chunk: the unit of parallelism
		stream.WithLanes(8),              // bits-back chains per chunk
		stream.WithEncoderConcurrency(2), // chunks coded at once; 0: GOMAXPROCS
		stream.WithEmbeddedModel(true),   // the archive carries its model file
	)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := w.Write(bars(300)); err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	h, err := format.NewReader(&archive, format.Limits{}).ReadHeader()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("model %s, %d records per chunk, %d lanes, model embedded: %v\n", h.ModelName, h.ChunkRecords, h.Lanes, h.Model != nil)
	// Output:
	// stream: lanes 0 outside [1, 1024]
	// model mnist-bin-ar, 100 records per chunk, 8 lanes, model embedded: true
}

// Reset makes a Writer start a new archive on another io.Writer, keeping
// its options, buffers and coders.
func ExampleWriter_Reset() {
	w, err := stream.NewWriter(nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, text := range []string{"first archive", "second archive"} {
		var archive bytes.Buffer
		w.Reset(&archive)
		if _, err := io.WriteString(w, text); err != nil {
			log.Fatal(err)
		}
		if err := w.Close(); err != nil {
			log.Fatal(err)
		}
		back, err := stream.DecodeAll(archive.Bytes(), nil)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(string(back))
	}
	// Output:
	// first archive
	// second archive
}

// Flush codes what was written so far, so that the other end of a pipe or
// socket can decode it before the archive is closed. Until Close the
// archive has no end: a Reader returns everything flushed, then
// io.ErrUnexpectedEOF.
func ExampleWriter_Flush() {
	var archive bytes.Buffer
	w, err := stream.NewWriter(&archive)
	if err != nil {
		log.Fatal(err)
	}
	io.WriteString(w, "a message sent before the end; ")
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	r, err := stream.NewReader(bytes.NewReader(archive.Bytes()))
	if err != nil {
		log.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	fmt.Printf("%q, unfinished archive: %v\n", got, errors.Is(err, io.ErrUnexpectedEOF))

	io.WriteString(w, "and the rest")
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	all, err := stream.DecodeAll(archive.Bytes(), nil)
	fmt.Printf("%q, %v\n", all, err)
	// Output:
	// "a message sent before the end; ", unfinished archive: true
	// "a message sent before the end; and the rest", <nil>
}

// One long-lived Writer codes many small buffers with EncodeAll, reusing
// its buffers and coders; the package-level EncodeAll pays for a new
// Writer on every call (BenchmarkEncodeAllSmall measures the difference).
func ExampleWriter_EncodeAll() {
	w, err := stream.NewWriter(nil, stream.WithEncoderConcurrency(1))
	if err != nil {
		log.Fatal(err)
	}
	images := bars(5)
	var archive []byte
	for i := range 5 {
		record := images[i*784 : (i+1)*784]
		if archive, err = w.EncodeAll(record, archive[:0]); err != nil {
			log.Fatal(err)
		}
		back, err := stream.DecodeAll(archive, nil)
		if err != nil || !bytes.Equal(back, record) {
			log.Fatalf("record %d did not round-trip: %v", i, err)
		}
	}
	fmt.Println("5 records, one Writer")
	// Output:
	// 5 records, one Writer
}

// Chunks are coded and decoded in parallel, and the archive does not
// depend on how many goroutines made it. Writers are not safe for
// concurrent use: goroutines that compress many buffers each take a Writer
// of their own, here from a sync.Pool.
func Example_concurrency() {
	images := bars(3000)
	one, err := stream.EncodeAll(images, nil, stream.WithChunkRecords(500), stream.WithEncoderConcurrency(1))
	if err != nil {
		log.Fatal(err)
	}
	four, err := stream.EncodeAll(images, nil, stream.WithChunkRecords(500), stream.WithEncoderConcurrency(4))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("same archive with 1 and 4 goroutines:", bytes.Equal(one, four))
	back, err := stream.DecodeAll(four, nil, stream.WithDecoderConcurrency(4))
	fmt.Println("decoded with 4:", bytes.Equal(back, images), err)

	pool := sync.Pool{New: func() any {
		w, err := stream.NewWriter(nil, stream.WithEncoderConcurrency(1))
		if err != nil {
			log.Fatal(err)
		}
		return w
	}}
	archives := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range archives {
		wg.Go(func() {
			w := pool.Get().(*stream.Writer)
			defer pool.Put(w)
			a, err := w.EncodeAll(images[i*784*10:(i+1)*784*10], nil)
			if err != nil {
				log.Fatal(err)
			}
			archives[i] = a
		})
	}
	wg.Wait()
	ok := true
	for i, a := range archives {
		back, err := stream.DecodeAll(a, nil)
		ok = ok && err == nil && bytes.Equal(back, images[i*784*10:(i+1)*784*10])
	}
	fmt.Println("8 goroutines, 8 archives:", ok)
	// Output:
	// same archive with 1 and 4 goroutines: true
	// decoded with 4: true <nil>
	// 8 goroutines, 8 archives: true
}

// A model of one's own, from `bbans train -o my.bbm` or train.Train and
// train.Quantize, is read with vae.ReadModel and given to the Writer with
// WithModel and to the Reader with WithModels (or embedded in the archive
// with WithEmbeddedModel). An archive names its model by SHA-256, so a
// Reader without it reports which model it needs. To run anywhere, the
// model file here is a built-in model's.
func Example_customModel() {
	var file []byte
	for _, b := range vae.Builtins() {
		if b.Name == "mnist-bin" {
			file = b.File() // os.ReadFile("my.bbm") for a trained model
		}
	}
	m, err := vae.ReadModel(bytes.NewReader(file))
	if err != nil {
		log.Fatal(err)
	}
	model := stream.FromVAE(m)
	images := bars(50)
	archive, err := stream.EncodeAll(images, nil, stream.WithModel(model))
	if err != nil {
		log.Fatal(err)
	}
	back, err := stream.DecodeAll(archive, nil, stream.WithModels(model))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("round trip:", bytes.Equal(back, images))
	fmt.Println("under 1 bit per pixel:", 8*len(archive) < len(images))
	// Output:
	// round trip: true
	// under 1 bit per pixel: true
}

// Errors are matched with errors.Is and errors.As: truncation is
// io.ErrUnexpectedEOF, anything that is not an archive format.ErrHeader,
// a damaged frame format.ErrChecksum, and every damage comes as a
// *format.CorruptInputError carrying the byte offset. An archive whose
// model the Reader lacks gives a *format.ModelUnavailableError naming it.
func Example_errors() {
	text := []byte("bytes that no model codes are stored, with a checksum")
	archive, err := stream.EncodeAll(text, nil)
	if err != nil {
		log.Fatal(err)
	}

	_, err = stream.DecodeAll(archive[:len(archive)-5], nil)
	fmt.Println("truncated:", errors.Is(err, io.ErrUnexpectedEOF))

	_, err = stream.DecodeAll([]byte("no archive at all"), nil)
	fmt.Println("not an archive:", errors.Is(err, format.ErrHeader))

	damaged := bytes.Clone(archive)
	i := bytes.Index(damaged, []byte("checksum"))
	damaged[i] ^= 0x20
	_, err = stream.DecodeAll(damaged, nil)
	var ce *format.CorruptInputError
	if errors.As(err, &ce) {
		fmt.Println("damaged:", errors.Is(err, format.ErrChecksum), "in the frame that starts before the flipped byte:", ce.Offset < int64(i))
	}
	var mu *format.ModelUnavailableError
	fmt.Println("a missing model:", errors.As(err, &mu))
	// Output:
	// truncated: true
	// not an archive: true
	// damaged: true in the frame that starts before the flipped byte: true
	// a missing model: false
}

// Archives from untrusted sources are read with limits: a bound on the
// memory for chunk buffers (an archive that claims larger chunks is
// refused before anything that large is allocated, with format.ErrLimit)
// and, to decode only with models one trusts, no embedded models.
func ExampleWithDecoderMaxMemory() {
	archive, err := stream.EncodeAll(bars(200), nil, stream.WithChunkRecords(20_000)) // 15.7 MB chunks, if full
	if err != nil {
		log.Fatal(err)
	}
	untrusted := []stream.ROption{stream.WithEmbeddedModels(false), stream.WithDecoderConcurrency(2)}
	_, err = stream.DecodeAll(archive, nil, append(untrusted, stream.WithDecoderMaxMemory(4<<20))...)
	fmt.Println("over the limit:", errors.Is(err, format.ErrLimit))

	back, err := stream.DecodeAll(archive, nil, append(untrusted, stream.WithDecoderMaxMemory(512<<20))...)
	fmt.Println("within it:", err == nil && bytes.Equal(back, bars(200)))
	// Output:
	// over the limit: true
	// within it: true
}
