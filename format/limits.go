package format

// Limits bounds what a Reader accepts from untrusted input. Every size an
// archive claims is checked against these before anything of that size is
// allocated; input that exceeds them is rejected with an error wrapping
// ErrLimit. A zero (or negative) field means its default.
//
// Besides these, the Reader never allocates much more than the input it has
// actually read: a claimed size is filled incrementally, so a short hostile
// input that claims 60 MiB costs about as much memory as its own length.
type Limits struct {
	// MaxModel is the largest embedded model accepted, in bytes.
	// Default 64 MiB.
	MaxModel int
	// MaxHeader is the largest header body accepted, in bytes, embedded
	// model included. Default MaxModel + 64 KiB.
	MaxHeader int
	// MaxPayload is the largest frame payload accepted, in bytes, for every
	// frame type (skippable frames are read and discarded in small pieces,
	// but still bounded by this). Default 64 MiB.
	MaxPayload int
	// MaxDecoded is the largest decoded content of one frame, in bytes. A
	// header whose chunk size (record size times records per chunk) exceeds
	// it is rejected at once. Default 64 MiB.
	MaxDecoded int
}

// Default limits; see Limits.
const (
	DefaultMaxModel   = 64 << 20
	DefaultMaxPayload = 64 << 20
	DefaultMaxDecoded = 64 << 20
	headerSlack       = 64 << 10 // room for the header fields around a model
)

// withDefaults returns l with every unset field given its default.
func (l Limits) withDefaults() Limits {
	if l.MaxModel <= 0 {
		l.MaxModel = DefaultMaxModel
	}
	if l.MaxHeader <= 0 {
		l.MaxHeader = l.MaxModel + headerSlack
	}
	if l.MaxPayload <= 0 {
		l.MaxPayload = DefaultMaxPayload
	}
	if l.MaxDecoded <= 0 {
		l.MaxDecoded = DefaultMaxDecoded
	}
	return l
}
