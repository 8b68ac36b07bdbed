package format_test

import (
	"bytes"
	"fmt"
	"io"
	"log"

	"github.com/bbans/bbans/format"
)

// An archive of two stored records and a tail, written and read back.
// A real writer puts BB-ANS chunks where this one stores records.
func Example() {
	h := &format.Header{ModelName: "mnist-bin", RecordSize: 4, ChunkRecords: 100, Lanes: 1}
	records, tail := []byte("abcdefgh"), []byte("xy")

	var buf bytes.Buffer
	w, err := format.NewWriter(&buf, h)
	if err != nil {
		log.Fatal(err)
	}
	frames := []*format.Frame{
		{Type: format.Stored, Records: 2, DecodedLen: 8, CRC: format.Checksum(records), Payload: records},
		{Type: format.Tail, DecodedLen: 2, CRC: format.Checksum(tail), Payload: tail},
	}
	for _, f := range frames {
		if err := w.WriteFrame(f); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("archive of %d bytes\n", buf.Len())

	r := format.NewReader(&buf, format.Limits{})
	hdr, err := r.ReadHeader()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("model %s, records of %d bytes\n", hdr.ModelName, hdr.RecordSize)
	for {
		f, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-6v records %d, %d bytes %q\n", f.Type, f.Records, f.DecodedLen, f.Payload)
	}
	if _, err := r.ReadHeader(); err == io.EOF {
		fmt.Println("no more archives")
	}
	// Output:
	// archive of 97 bytes
	// model mnist-bin, records of 4 bytes
	// stored records 2, 8 bytes "abcdefgh"
	// tail   records 0, 2 bytes "xy"
	// end    records 2, 10 bytes ""
	// no more archives
}
