package dataset

import "testing"

func TestParseShape(t *testing.T) {
	for in, want := range map[string]Shape{"28x28": {28, 28, 1}, "32x32x3": {32, 32, 3}, "784x1": {784, 1, 1}} {
		if got, err := ParseShape(in); err != nil || got != want {
			t.Errorf("ParseShape(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "28", "28x", "0x5", "-1x4", "1x2x3x4", "300x300", "ax3"} {
		if _, err := ParseShape(in); err == nil {
			t.Errorf("ParseShape(%q) accepted", in)
		}
	}
}
