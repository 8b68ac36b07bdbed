package bench

import (
	"bytes"
	"os"
	"testing"

	"github.com/bbans/bbans/vae/dataset"
)

// TestTextSets checks what the text sets hold: the project's sources with
// README and SPEC at the end, and the mixed set's layout (an IDX header
// for half the test images, the images, text of a whole number of records,
// the other half), and that neither claims an image shape.
func TestTextSets(t *testing.T) {
	sets, err := LoadTextSets([]string{"text", "mixed"})
	if err != nil {
		t.Fatal(err)
	}
	text, mixed := sets[0], sets[1]
	if !bytes.Contains(text.Data, []byte("package bench")) || !bytes.HasSuffix(bytes.TrimSpace(text.Data), bytes.TrimSpace(mustRead(t, "../../SPEC.md"))) {
		t.Errorf("text set: %d bytes without this package or ending other than SPEC.md", len(text.Data))
	}
	test, err := dataset.LoadMNIST("test")
	if err != nil {
		t.Fatal(err)
	}
	half := test.Len() / 2
	img := test.Slice(0, half).Data
	if len(mixed.Data) != 16+2*len(img)+mixedText || mixedText%784 != 0 {
		t.Fatalf("mixed set: %d bytes", len(mixed.Data))
	}
	if !bytes.Equal(mixed.Data[16:16+len(img)], img) || !bytes.Equal(mixed.Data[16+len(img)+mixedText:], test.Slice(half, test.Len()).Data) {
		t.Error("mixed set: images not where they belong")
	}
	if !bytes.HasPrefix(mixed.Data[16+len(img):], text.Data[:1000]) {
		t.Error("mixed set: text does not start with the text set")
	}
	for _, s := range sets {
		if s.Width != 0 || s.Binarized || len(s.Models) != 0 {
			t.Errorf("%s: shape %dx%d, binarized %v, models %v", s.Name, s.Height, s.Width, s.Binarized, s.Models)
		}
	}
	if _, err := LoadTextSets([]string{"poetry"}); err == nil {
		t.Error("unknown text set accepted")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
