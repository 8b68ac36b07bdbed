package testsets

import (
	"fmt"
	"strings"

	"github.com/bbans/bbans/vae/dataset"
)

// Sources says where the kinds find their source images.
type Sources struct {
	// Photos is the directory of scikit-image's sample images
	// (PhotoDir if empty).
	Photos string
}

func (s Sources) photos() string {
	if s.Photos == "" {
		return PhotoDir
	}
	return s.Photos
}

// A Kind is one recipe for a Set.
type Kind struct {
	Name string
	// About says what the records are and where they come from.
	About string
	make  func(Sources) (*Set, error)
}

// Make builds the kind's set from src. The same sources give the same
// bytes on every machine.
func (k *Kind) Make(src Sources) (*Set, error) {
	s, err := k.make(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", k.Name, err)
	}
	s.Name = k.Name
	return s, nil
}

// Kinds are the recipes, in the order mksets writes them.
var Kinds = []*Kind{
	{Name: "fashion-16x16", About: "Fashion-MNIST resampled from 28x28 to 16x16 by area averaging; 10,000 training images, 2,000 test images", make: fashion16},
	{Name: "counts-8x8", About: "8x8 records with 17 levels (0..16), made as UCI optdigits was: Fashion-MNIST padded to 32x32, thresholded at 128, on-pixels counted in each 4x4 block; 10,000 / 2,000", make: counts8},
	{Name: "fashion-small", About: "28x28 Fashion-MNIST, a small set: the first 3,000 training images, the first 1,000 test images", make: fashionSmall},
	{Name: "photo-rgb-16x16", About: "16x16 colour tiles (R, G, B) of photographs: training tiles from astronaut, rocket, ihc, hubble_deep_field; test tiles from chelsea and coffee", make: photoRGB16},
	{Name: "photo-grey-32x32", About: "32x32 grey (BT.601 luma) tiles of photographs: training tiles from camera, coins, retina, astronaut, rocket, ihc; test tiles from chelsea and coffee", make: photoGrey32},
	{Name: "texture-real-32x32", About: "32x32 tiles of the grey texture photographs brick, grass and gravel: the top 12 rows of tiles train, the bottom 4 test (576 / 192)", make: textureReal32},
	{Name: "texture-synth-24x24", About: "24x24 procedural grey textures (stripes, gradients, checkerboards, value noise, pixel noise), SplitMix64 seeds 1 (6,000 training) and 2 (1,000 test)", make: textureSynth24},
}

// Lookup returns the kind of that name.
func Lookup(name string) (*Kind, error) {
	var names []string
	for _, k := range Kinds {
		if k.Name == name {
			return k, nil
		}
		names = append(names, k.Name)
	}
	return nil, fmt.Errorf("testsets: no kind %q (want %s)", name, strings.Join(names, ", "))
}

// fashion returns the first n images of a Fashion-MNIST split.
func fashion(split string, n int) ([]byte, error) {
	d, err := dataset.LoadFashionMNIST(split)
	if err != nil {
		return nil, err
	}
	return d.Slice(0, min(n, d.Len())).Data, nil
}

// fashionEach maps every 28x28 image of the first nTrain training and
// nTest test images through f.
func fashionEach(nTrain, nTest int, f func([]byte) []byte) (train, test []byte, err error) {
	for _, part := range []struct {
		split string
		n     int
		dst   *[]byte
	}{{"train", nTrain, &train}, {"test", nTest, &test}} {
		b, err := fashion(part.split, part.n)
		if err != nil {
			return nil, nil, err
		}
		for i := 0; i+784 <= len(b); i += 784 {
			*part.dst = append(*part.dst, f(b[i:i+784])...)
		}
	}
	return train, test, nil
}

func fashion16(Sources) (*Set, error) {
	train, test, err := fashionEach(10000, 2000, func(img []byte) []byte { return resample(img, 28, 28, 16, 16) })
	return &Set{Height: 16, Width: 16, Channels: 1, Train: train, Test: test}, err
}

// counts8 makes the 8x8 records of 17 levels: pixel >= 128 is on, the
// image sits in a 32x32 frame with 2 blank pixels around it, and each
// record value is the number of on-pixels in one 4x4 block of the frame.
func counts8(Sources) (*Set, error) {
	train, test, err := fashionEach(10000, 2000, func(img []byte) []byte {
		out := make([]byte, 64)
		for y := range 28 {
			for x := range 28 {
				if img[y*28+x] >= 128 {
					out[(y+2)/4*8+(x+2)/4]++
				}
			}
		}
		return out
	})
	return &Set{Height: 8, Width: 8, Channels: 1, Train: train, Test: test}, err
}

func fashionSmall(Sources) (*Set, error) {
	train, test, err := fashionEach(3000, 1000, func(img []byte) []byte { return img })
	return &Set{Height: 28, Width: 28, Channels: 1, Train: train, Test: test}, err
}

func photoRGB16(src Sources) (*Set, error) {
	return photoSet(src, 16, false,
		[]string{"astronaut.png", "rocket.jpg", "ihc.png", "hubble_deep_field.jpg"},
		[]string{"chelsea.png", "coffee.png"})
}

func photoGrey32(src Sources) (*Set, error) {
	return photoSet(src, 32, true,
		[]string{"camera.png", "coins.png", "retina.jpg", "astronaut.png", "rocket.jpg", "ihc.png"},
		[]string{"chelsea.png", "coffee.png"})
}

// photoSet cuts the training images into the training part and the test
// images into the test part: no photograph is in both.
func photoSet(src Sources, size int, grey bool, trainImgs, testImgs []string) (*Set, error) {
	s := &Set{Height: size, Width: size, Channels: 3}
	if grey {
		s.Channels = 1
	}
	var err error
	if s.Train, err = photoTiles(src.photos(), trainImgs, size, grey); err != nil {
		return nil, err
	}
	if s.Test, err = photoTiles(src.photos(), testImgs, size, grey); err != nil {
		return nil, err
	}
	return s, nil
}

// textureReal32 splits each texture photograph by rows of tiles, so that
// the test tiles are pixels no training tile holds.
func textureReal32(src Sources) (*Set, error) {
	s := &Set{Height: 32, Width: 32, Channels: 1}
	for _, name := range []string{"brick.png", "grass.png", "gravel.png"} {
		p, err := loadPicture(src.photos(), name, true)
		if err != nil {
			return nil, err
		}
		cut := p.tileRows(32) * 3 / 4
		s.Train = append(s.Train, p.tiles(32, 0, cut)...)
		s.Test = append(s.Test, p.tiles(32, cut, -1)...)
	}
	return s, nil
}

func textureSynth24(Sources) (*Set, error) {
	return &Set{Height: 24, Width: 24, Channels: 1, Train: textures(1, 6000, 24), Test: textures(2, 1000, 24)}, nil
}
