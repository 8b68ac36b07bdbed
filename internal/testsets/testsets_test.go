package testsets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bbans/bbans/vae/dataset"
)

func TestResample(t *testing.T) {
	// Three pixels to two: each output covers one and a half inputs.
	if got := resample([]byte{0, 90, 180}, 3, 1, 2, 1); !bytes.Equal(got, []byte{30, 150}) {
		t.Errorf("3 -> 2: %v, want [30 150]", got)
	}
	// 2x2 to 1x1 is the mean, rounded half up.
	if got := resample([]byte{1, 2, 2, 2}, 2, 2, 1, 1); got[0] != 2 {
		t.Errorf("mean of 1,2,2,2: %d, want 2", got[0])
	}
	img := make([]byte, 28*28)
	for i := range img {
		img[i] = byte(i * 13)
	}
	if got := resample(img, 28, 28, 28, 28); !bytes.Equal(got, img) {
		t.Error("28 -> 28 changed the image")
	}
	flat := bytes.Repeat([]byte{201}, 28*28)
	if got := resample(flat, 28, 28, 16, 16); !bytes.Equal(got, bytes.Repeat([]byte{201}, 256)) {
		t.Errorf("a flat image resampled is not flat: %v", got[:8])
	}
}

func TestLuma(t *testing.T) {
	for _, c := range []struct{ r, g, b, want byte }{{0, 0, 0, 0}, {255, 255, 255, 255}, {255, 0, 0, 76}, {0, 255, 0, 150}, {0, 0, 255, 29}} {
		if got := luma(c.r, c.g, c.b); got != c.want {
			t.Errorf("luma(%d, %d, %d) = %d, want %d", c.r, c.g, c.b, got, c.want)
		}
	}
}

func TestWriteIDX(t *testing.T) {
	s := &Set{Name: "x", Height: 2, Width: 3, Channels: 3}
	var b bytes.Buffer
	part := make([]byte, 2*18)
	if err := s.WriteIDX(&b, part); err != nil {
		t.Fatal(err)
	}
	want := []byte{0, 0, 8, 4, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 3}
	if !bytes.Equal(b.Bytes()[:20], want) || b.Len() != 20+36 {
		t.Errorf("colour header % x, %d bytes", b.Bytes()[:20], b.Len())
	}
	d, err := dataset.ReadIDX(bytes.NewReader(b.Bytes()))
	if err != nil || d.RecordSize != 18 || d.Len() != 2 {
		t.Errorf("dataset.ReadIDX: %v", err)
	}
	s.Channels = 1
	b.Reset()
	if err := s.WriteIDX(&b, part[:12]); err != nil || b.Bytes()[3] != 3 || b.Len() != 16+12 {
		t.Errorf("grey: %v, % x", err, b.Bytes()[:4])
	}
	if err := s.WriteIDX(&b, part[:7]); err == nil {
		t.Error("a partial record was written")
	}
}

func TestTiled(t *testing.T) {
	s := &Set{Height: 2, Width: 2, Channels: 3}
	part := make([]byte, 3*12) // three records: a 2x2 grid, the last tile blank
	for i := range part {
		part[i] = byte(i + 1)
	}
	got := s.Tiled(part)
	hdr := "P6\n4 4\n255\n"
	if !strings.HasPrefix(string(got), hdr) || len(got) != len(hdr)+4*4*3 {
		t.Fatalf("tiled: %q...", got[:min(len(got), 12)])
	}
	pix := got[len(hdr):]
	// Row 0 of the picture: row 0 of record 0, then row 0 of record 1.
	if !bytes.Equal(pix[:12], append(append([]byte{}, part[0:6]...), part[12:18]...)) {
		t.Errorf("row 0: %v", pix[:12])
	}
	// Row 2: row 0 of record 2, then the blank tile.
	if !bytes.Equal(pix[24:36], append(append([]byte{}, part[24:30]...), 0, 0, 0, 0, 0, 0)) {
		t.Errorf("row 2: %v", pix[24:36])
	}
}

// TestTextures pins the procedural textures' bytes: a change of the
// generator, or a machine that computes it differently, changes the sets
// people have measured on.
func TestTextures(t *testing.T) {
	a := textures(1, 50, 24)
	if !bytes.Equal(a, textures(1, 50, 24)) {
		t.Fatal("textures(1) differ between two calls")
	}
	if bytes.Equal(a, textures(2, 50, 24)) {
		t.Fatal("seeds 1 and 2 give the same textures")
	}
	seen := map[byte]bool{}
	for _, v := range a {
		seen[v] = true
	}
	if len(seen) < 200 {
		t.Errorf("50 textures use only %d grey levels", len(seen))
	}
	sum := sha256.Sum256(a)
	if got, want := hex.EncodeToString(sum[:]), pinnedTextures; got != want {
		t.Errorf("textures(1, 50, 24) sha256 %s, want %s", got, want)
	}
}

const pinnedTextures = "bde9965c36265959e17f2f259296a47c06bde12655299a8c8269cdfbf9397b7e"

// fakeFashion writes IDX files of n records to a directory that stands in
// for the Debian package and points dataset.LoadFashionMNIST at it.
func fakeFashion(t *testing.T, n int) (train, test []byte) {
	dir := t.TempDir()
	t.Setenv("BBANS_FASHION_MNIST", dir)
	for i, name := range []string{dataset.FashionMNISTTrainImages, dataset.FashionMNISTTestImages} {
		idx := []byte{0, 0, 8, 3, 0, 0, 0, byte(n), 0, 0, 0, 28, 0, 0, 0, 28}
		for j := range n * 784 {
			idx = append(idx, byte(j*(7+i*4)))
		}
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(idx)
		zw.Close()
		if err := os.WriteFile(filepath.Join(dir, name), gz.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			train = idx[16:]
		} else {
			test = idx[16:]
		}
	}
	return train, test
}

func TestFashionKinds(t *testing.T) {
	train, test := fakeFashion(t, 4)
	small, err := mustKind(t, "fashion-small").Make(Sources{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(small.Train, train) || !bytes.Equal(small.Test, test) || small.RecordSize() != 784 {
		t.Error("fashion-small is not the Fashion-MNIST records")
	}
	f16, err := mustKind(t, "fashion-16x16").Make(Sources{})
	if err != nil {
		t.Fatal(err)
	}
	if f16.Records(f16.Train) != 4 || !bytes.Equal(f16.Test[256:512], resample(test[784:2*784], 28, 28, 16, 16)) {
		t.Error("fashion-16x16 record 1 is not test image 1 resampled")
	}
	c8, err := mustKind(t, "counts-8x8").Make(Sources{})
	if err != nil {
		t.Fatal(err)
	}
	if c8.RecordSize() != 64 || c8.Records(c8.Test) != 4 {
		t.Fatalf("counts-8x8: %d records of %d", c8.Records(c8.Test), c8.RecordSize())
	}
	// Count block (1, 1) of test record 0 by hand: frame pixels 4..7,
	// image pixels 2..5 in each direction.
	var want byte
	for y := 2; y < 6; y++ {
		for x := 2; x < 6; x++ {
			if test[y*28+x] >= 128 {
				want++
			}
		}
	}
	if c8.Test[9] != want {
		t.Errorf("counts-8x8 block (1, 1): %d, want %d", c8.Test[9], want)
	}
	for i, v := range append(c8.Train, c8.Test...) {
		if v > 16 {
			t.Fatalf("count %d at %d is above 16", v, i)
		}
	}
	// A corner block sees only 2x2 image pixels.
	for i := 0; i < len(c8.Test); i += 64 {
		if c8.Test[i] > 4 {
			t.Fatalf("corner count %d above 4", c8.Test[i])
		}
	}
}

// fakePhotos writes every image the photo and texture kinds read, as PNG
// or JPEG by name, each w x h and of its own colours, and returns the
// directory.
func fakePhotos(t *testing.T, w, h int) string {
	dir := t.TempDir()
	names := []string{"astronaut.png", "rocket.jpg", "ihc.png", "hubble_deep_field.jpg", "chelsea.png", "coffee.png",
		"camera.png", "coins.png", "retina.jpg", "brick.png", "grass.png", "gravel.png"}
	for k, name := range names {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				img.Set(x, y, color.RGBA{byte(x*3 + k), byte(y*5 + k*7), byte(x*y + k*31), 255})
			}
		}
		var b bytes.Buffer
		var err error
		if strings.HasSuffix(name, ".jpg") {
			err = jpeg.Encode(&b, img, nil)
		} else {
			err = png.Encode(&b, img)
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPhotoKinds(t *testing.T) {
	dir := fakePhotos(t, 70, 40) // 4x2 tiles of 16, 2x1 of 32, edges dropped
	rgb, err := mustKind(t, "photo-rgb-16x16").Make(Sources{Photos: dir})
	if err != nil {
		t.Fatal(err)
	}
	if rgb.RecordSize() != 768 || rgb.Records(rgb.Train) != 4*8 || rgb.Records(rgb.Test) != 2*8 {
		t.Fatalf("photo-rgb-16x16: %d / %d records of %d", rgb.Records(rgb.Train), rgb.Records(rgb.Test), rgb.RecordSize())
	}
	// Test tile 1 is chelsea's pixels x 16..31, y 0..15, as R, G, B.
	chelsea, err := loadPicture(dir, "chelsea.png", false)
	if err != nil {
		t.Fatal(err)
	}
	tile := rgb.Test[768 : 2*768]
	for y := range 16 {
		row := chelsea.pix[(y*70+16)*3 : (y*70+32)*3]
		if !bytes.Equal(tile[y*48:(y+1)*48], row) {
			t.Fatalf("test tile 1 row %d differs from chelsea", y)
		}
	}
	if tile[0] != byte(16*3+4) {
		t.Errorf("chelsea (16, 0) red %d, want %d", tile[0], 16*3+4)
	}

	grey, err := mustKind(t, "photo-grey-32x32").Make(Sources{Photos: dir})
	if err != nil {
		t.Fatal(err)
	}
	if grey.Channels != 1 || grey.Records(grey.Train) != 6*2 || grey.Records(grey.Test) != 2*2 {
		t.Errorf("photo-grey-32x32: %d / %d records", grey.Records(grey.Train), grey.Records(grey.Test))
	}

	dir = fakePhotos(t, 64, 128) // 4 rows of 32x32 tiles: 3 train, 1 test
	tex, err := mustKind(t, "texture-real-32x32").Make(Sources{Photos: dir})
	if err != nil {
		t.Fatal(err)
	}
	if tex.Records(tex.Train) != 3*6 || tex.Records(tex.Test) != 3*2 {
		t.Errorf("texture-real-32x32: %d / %d records", tex.Records(tex.Train), tex.Records(tex.Test))
	}

	_, err = mustKind(t, "photo-rgb-16x16").Make(Sources{Photos: t.TempDir()})
	if !errors.Is(err, ErrPhotosMissing) || !strings.Contains(err.Error(), PhotoPackage) {
		t.Errorf("no photos: %v, want ErrPhotosMissing naming %s", err, PhotoPackage)
	}
}

func mustKind(t *testing.T, name string) *Kind {
	t.Helper()
	k, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestLookup(t *testing.T) {
	if _, err := Lookup("nope"); err == nil || !strings.Contains(err.Error(), "texture-synth-24x24") {
		t.Errorf("unknown kind: %v", err)
	}
	seen := map[string]bool{}
	for _, k := range Kinds {
		if seen[k.Name] || k.About == "" {
			t.Errorf("kind %q repeated or undocumented", k.Name)
		}
		seen[k.Name] = true
	}
}
