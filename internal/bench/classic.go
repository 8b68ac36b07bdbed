package bench

import (
	"bytes"
	"compress/gzip"
	"io"

	dbzip2 "github.com/dsnet/compress/bzip2"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// A codec is a compressor run in-process.
type codec struct {
	name       string
	note       string // for the table
	compress   func(src []byte) ([]byte, error)
	decompress func(src []byte) ([]byte, error)
}

// classicCodecs are the in-process compressors, each at the strongest
// setting its library offers: gzip -9 (compress/gzip), zstd's
// SpeedBestCompression (klauspost/compress/zstd; weaker than the zstd
// tool's -19 on MNIST), xz with an 8 MiB dictionary (ulikunitz/xz, with its
// hash-table match finder: the binary-tree one is far too slow), and bzip2
// -9 (dsnet/compress/bzip2, the one Go bzip2 encoder).
var classicCodecs = []codec{
	{
		name: "gzip -9 (Go)",
		note: "compress/gzip",
		compress: func(src []byte) ([]byte, error) {
			var b bytes.Buffer
			w, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
			if err != nil {
				return nil, err
			}
			return finish(&b, w, src)
		},
		decompress: func(src []byte) ([]byte, error) {
			r, err := gzip.NewReader(bytes.NewReader(src))
			if err != nil {
				return nil, err
			}
			return io.ReadAll(r)
		},
	},
	{
		name: "zstd best (Go)",
		note: "klauspost/compress SpeedBestCompression, 8 MiB window",
		compress: func(src []byte) ([]byte, error) {
			e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression),
				zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(8<<20))
			if err != nil {
				return nil, err
			}
			defer e.Close()
			return e.EncodeAll(src, nil), nil
		},
		decompress: func(src []byte) ([]byte, error) {
			d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
			if err != nil {
				return nil, err
			}
			defer d.Close()
			return d.DecodeAll(src, nil)
		},
	},
	{
		name: "xz (Go)",
		// The library's binary-tree match finder would compress better
		// but took over ten minutes on 7.8 MB of MNIST here.
		note: "ulikunitz/xz, hash-table match finder, 8 MiB dictionary",
		compress: func(src []byte) ([]byte, error) {
			var b bytes.Buffer
			w, err := xz.WriterConfig{DictCap: 8 << 20}.NewWriter(&b)
			if err != nil {
				return nil, err
			}
			return finish(&b, w, src)
		},
		decompress: func(src []byte) ([]byte, error) {
			r, err := xz.NewReader(bytes.NewReader(src))
			if err != nil {
				return nil, err
			}
			return io.ReadAll(r)
		},
	},
	{
		name: "bzip2 -9 (Go)",
		note: "dsnet/compress",
		compress: func(src []byte) ([]byte, error) {
			var b bytes.Buffer
			w, err := dbzip2.NewWriter(&b, &dbzip2.WriterConfig{Level: dbzip2.BestCompression})
			if err != nil {
				return nil, err
			}
			return finish(&b, w, src)
		},
		decompress: func(src []byte) ([]byte, error) {
			r, err := dbzip2.NewReader(bytes.NewReader(src), nil)
			if err != nil {
				return nil, err
			}
			return io.ReadAll(r)
		},
	},
}

// finish writes src through w, closes it and returns what b received.
func finish(b *bytes.Buffer, w io.WriteCloser, src []byte) ([]byte, error) {
	if _, err := w.Write(src); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
