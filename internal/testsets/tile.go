package testsets

import (
	"fmt"
	"math"
)

// TileGrid returns the columns and rows of the most square grid that holds
// n tiles, as `bbans bench` lays out MNIST for JPEG XL.
func TileGrid(n int) (cols, rows int) {
	cols = int(math.Ceil(math.Sqrt(float64(n))))
	if cols == 0 {
		return 0, 0
	}
	return cols, (n + cols - 1) / cols
}

// Tiled lays the records of part out as one picture, row-major in a grid of
// TileGrid tiles, padding with zeros, and returns it as binary PGM (grey)
// or PPM (colour), for an image codec that then sees the records as one
// image, as `bbans bench` gives MNIST to JPEG XL.
func (s *Set) Tiled(part []byte) []byte {
	n := s.Records(part)
	cols, rows := TileGrid(n)
	w, h := cols*s.Width, rows*s.Height
	row := s.Width * s.Channels // bytes of one record row
	stride := w * s.Channels
	pix := make([]byte, stride*h)
	for i := range n {
		rec := part[i*s.RecordSize() : (i+1)*s.RecordSize()]
		x0, y0 := (i%cols)*row, (i/cols)*s.Height
		for y := range s.Height {
			copy(pix[(y0+y)*stride+x0:], rec[y*row:(y+1)*row])
		}
	}
	magic := "P5"
	if s.Channels == 3 {
		magic = "P6"
	}
	return append([]byte(fmt.Sprintf("%s\n%d %d\n255\n", magic, w, h)), pix...)
}
