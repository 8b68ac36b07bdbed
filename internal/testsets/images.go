package testsets

import (
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // photographs shipped as JPEG
	_ "image/png"
	"io/fs"
	"os"
	"path/filepath"
)

// PhotoPackage is the Debian package whose sample images the photograph and
// texture kinds cut into tiles, and PhotoDir where it installs them. The
// package need not be installed: `apt-get download python3-skimage` and
// `dpkg-deb -x python3-skimage_*.deb ROOT` give the same files under ROOT.
const (
	PhotoPackage = "python3-skimage"
	PhotoDir     = "/usr/lib/python3/dist-packages/skimage/data"
)

// ErrPhotosMissing reports that an image file of PhotoPackage is missing.
var ErrPhotosMissing = errors.New("testsets: scikit-image's sample images are missing: install the Debian package " + PhotoPackage +
	", or extract it (apt-get download " + PhotoPackage + "; dpkg-deb -x " + PhotoPackage + "_*.deb ROOT) and pass -photos ROOT" + PhotoDir)

// picture is a decoded image: Channels bytes per pixel (1 grey, 3 RGB),
// row-major.
type picture struct {
	pix                     []byte
	width, height, channels int
}

// loadPicture decodes a PNG or JPEG file as 8-bit RGB, or as grey when
// grey is set (colour images through luma). Go's decoders are integer
// code, so every machine gets the same bytes.
func loadPicture(dir, name string, grey bool) (*picture, error) {
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (no %s)", ErrPhotosMissing, path)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("testsets: %s: %v", path, err)
	}
	b := img.Bounds()
	p := &picture{width: b.Dx(), height: b.Dy(), channels: 3}
	if grey {
		p.channels = 1
	}
	p.pix = make([]byte, 0, p.width*p.height*p.channels)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA() // 16-bit, exact multiples of 257 for 8-bit images
			r8, g8, b8 := byte(r>>8), byte(g>>8), byte(bl>>8)
			if grey {
				p.pix = append(p.pix, luma(r8, g8, b8))
			} else {
				p.pix = append(p.pix, r8, g8, b8)
			}
		}
	}
	return p, nil
}

// tiles cuts p into non-overlapping size x size tiles, row by row of tiles,
// left to right, dropping the partial tiles at the right and bottom edges;
// rows y0..y1-1 of tiles only (y1 < 0: to the last).
func (p *picture) tiles(size, y0, y1 int) []byte {
	rows, cols := p.height/size, p.width/size
	if y1 < 0 || y1 > rows {
		y1 = rows
	}
	var out []byte
	for ty := y0; ty < y1; ty++ {
		for tx := range cols {
			for y := range size {
				at := ((ty*size+y)*p.width + tx*size) * p.channels
				out = append(out, p.pix[at:at+size*p.channels]...)
			}
		}
	}
	return out
}

// tileRows returns how many rows of size x size tiles p has.
func (p *picture) tileRows(size int) int { return p.height / size }

// photoTiles loads each named image and returns all its tiles.
func photoTiles(dir string, names []string, size int, grey bool) ([]byte, error) {
	var out []byte
	for _, n := range names {
		p, err := loadPicture(dir, n, grey)
		if err != nil {
			return nil, err
		}
		out = append(out, p.tiles(size, 0, -1)...)
	}
	return out, nil
}
