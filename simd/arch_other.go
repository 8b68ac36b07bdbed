//go:build noasm || !gc || !(amd64 || arm64)

package simd

// Without assembly only the pure-Go reference exists.

func detect() Level { return Generic }

func supported(l Level) bool { return l == Generic }

func packArch(*PackedMatrix) {}

func matMulArch(Level, []int32, []uint8, int, *PackedMatrix, []int32) bool { return false }

func requantizeArch(Level, []uint8, []int32, int, *Requant) bool { return false }

func requantizeInt32Arch(Level, []int32, []int32, int, *Requant) bool { return false }

func dotInt16Arch(_ Level, x, w []int16, shift uint) int32 { return dotInt16Generic(x, w, shift) }

func trainInt16Arch(_ Level, x, w []int16, err int16) { trainInt16Generic(x, w, err) }

func dotInt32Arch(_ Level, x, w []int32) int64 { return dotInt32Generic(x, w) }

func trainInt32Arch(_ Level, x, w []int32, err int32, shift uint, limit int32) {
	trainInt32Generic(x, w, err, shift, limit)
}
