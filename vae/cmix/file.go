package cmix

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// The model's bytes (all integers little-endian):
//
//	u8  version (1 or 2: the contexts, mixers and maps of that version)
//	u16 W, u16 H, u8 C, u8 TableBits, u8 Limit, u8 MixRate, u8 MinCount
//	u16 L (2..256), then the L levels, strictly increasing
//	version 2: the linear predictor's C·linClasses·linInputs weights (i32)
//	u32 n, then n bytes: a zstd frame holding the primed state:
//	    u32 k, then k counters that differ from the initial one, each as
//	        a uvarint (its index minus one more than the previous one's;
//	        for the first, its index), its u16 probability p and its u8
//	        count n: the counter (p·64 + 32)·1024 + n
//	    the weights of mixers A, B, C (D) and the final mixer (i32 each)
//	    the adaptive probability maps (u16 each)
//
// zstd (klauspost/compress, already a dependency of the module) shrinks the
// state several times: most counters are unused and most weights alike.

// ErrFormat reports bytes that are not a model.
var ErrFormat = errors.New("cmix: invalid model")

// MarshalBinary returns the model's bytes.
func (m *Model) MarshalBinary() ([]byte, error) {
	var b []byte
	b = append(b, byte(m.p.Version))
	b = binary.LittleEndian.AppendUint16(b, uint16(m.p.W))
	b = binary.LittleEndian.AppendUint16(b, uint16(m.p.H))
	b = append(b, byte(m.p.C), byte(m.p.TableBits))
	b = append(b, byte(m.p.Limit), byte(m.p.MixRate), byte(m.p.MinCount))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(m.p.Levels)))
	b = append(b, m.p.Levels...)
	if m.lin != nil {
		for _, w := range m.lin.w {
			b = binary.LittleEndian.AppendUint32(b, uint32(w))
		}
	}

	s := m.primed
	var raw []byte
	k := 0
	for _, v := range s.t {
		if v != counterInit {
			k++
		}
	}
	raw = binary.LittleEndian.AppendUint32(raw, uint32(k))
	next := 0
	for i, v := range s.t {
		if v != counterInit {
			raw = binary.AppendUvarint(raw, uint64(i-next))
			raw = binary.LittleEndian.AppendUint16(raw, uint16(v>>16))
			if m.lay.checked {
				raw = append(raw, byte(v>>8))
			}
			raw = append(raw, byte(v&1023))
			next = i + 1
		}
	}
	for _, w := range append(s.mix[:m.lay.mixers:m.lay.mixers], s.fin) {
		for _, x := range w {
			raw = binary.LittleEndian.AppendUint32(raw, uint32(x))
		}
	}
	for _, x := range s.apm {
		raw = binary.LittleEndian.AppendUint16(raw, x)
	}
	for _, x := range s.dir {
		raw = binary.LittleEndian.AppendUint32(raw, x)
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	z := enc.EncodeAll(raw, nil)
	enc.Close()
	b = binary.LittleEndian.AppendUint32(b, uint32(len(z)))
	return append(b, z...), nil
}

// Unmarshal reads a model from its bytes (all of b).
func Unmarshal(b []byte) (*Model, error) {
	r := bytes.NewReader(b)
	var hdr struct {
		Version   uint8
		W, H      uint16
		C, TBits  uint8
		Limit     uint8
		MixRate   uint8
		MinCount  uint8
		NumLevels uint16
	}
	if err := binary.Read(r, binary.LittleEndian, &hdr); err != nil {
		return nil, fmt.Errorf("%w: header: truncated", ErrFormat)
	}
	if hdr.Version < 1 || hdr.Version > LatestVersion {
		return nil, fmt.Errorf("%w: version %d (this build reads 1..%d)", ErrFormat, hdr.Version, LatestVersion)
	}
	if hdr.NumLevels < 2 || hdr.NumLevels > 256 || r.Len() < int(hdr.NumLevels)+4 {
		return nil, fmt.Errorf("%w: %d levels or truncated", ErrFormat, hdr.NumLevels)
	}
	levels := make([]byte, hdr.NumLevels)
	r.Read(levels)
	p := Params{Version: int(hdr.Version), W: int(hdr.W), H: int(hdr.H), C: int(hdr.C), Levels: levels,
		TableBits: uint(hdr.TBits), Limit: int(hdr.Limit), MixRate: int(hdr.MixRate), MinCount: int(hdr.MinCount)}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	var lin []int32
	if p.Version >= 2 {
		lin = make([]int32, p.C*linClasses*linInputs)
		if err := binary.Read(r, binary.LittleEndian, lin); err != nil {
			return nil, fmt.Errorf("%w: linear predictor: truncated", ErrFormat)
		}
		for _, w := range lin {
			if w > linMax || w < -linMax {
				return nil, fmt.Errorf("%w: a linear predictor weight is out of range", ErrFormat)
			}
		}
	}
	var n uint32
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return nil, fmt.Errorf("%w: state length: truncated", ErrFormat)
	}
	if uint64(n) != uint64(r.Len()) {
		return nil, fmt.Errorf("%w: state of %d bytes, %d follow", ErrFormat, n, r.Len())
	}
	// The largest state: every counter stored (a gap of 0 and 3 bytes, 4
	// with a check) and the fixed part.
	lay := layoutOf(p.Version)
	fixed := lay.fixedBytes(p.C)
	maxRaw := 4 + 4<<p.TableBits + fixed
	if lay.checked {
		maxRaw += 1 << p.TableBits
	}
	dec, err := stateDecoder()
	if err != nil {
		return nil, err
	}
	raw, err := dec.DecodeAll(b[len(b)-r.Len():], make([]byte, 0, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("%w: state: %v", ErrFormat, err)
	}
	if len(raw) > maxRaw || len(raw) < 4+fixed {
		return nil, fmt.Errorf("%w: state of %d bytes for a table of 2^%d counters", ErrFormat, len(raw), p.TableBits)
	}
	m, err := New(p)
	if err != nil {
		return nil, err
	}
	if m.lin != nil {
		copy(m.lin.w, lin)
		m.fitted = true
	}
	if err := m.primed.read(m.lay, raw, p.C); err != nil {
		return nil, err
	}
	return m, nil
}

var (
	decOnce sync.Once
	decoder *zstd.Decoder
	decErr  error
)

// stateDecoder is one zstd decoder for every model (DecodeAll is safe for
// concurrent use), limited to the largest state of any model.
func stateDecoder() (*zstd.Decoder, error) {
	decOnce.Do(func() {
		max := uint64(4 + 5<<MaxTableBits + max(layout1.fixedBytes(MaxChannels), layout2.fixedBytes(MaxChannels), layout3.fixedBytes(MaxChannels), layout4.fixedBytes(MaxChannels)))
		decoder, decErr = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(max), zstd.WithDecoderMaxWindow(max))
	})
	return decoder, decErr
}

func (s *state) read(l *layout, raw []byte, channels int) error {
	fixedStateBytes := l.fixedBytes(channels)
	if len(raw) < 4+fixedStateBytes {
		return fmt.Errorf("%w: state of %d bytes is truncated", ErrFormat, len(raw))
	}
	k := binary.LittleEndian.Uint32(raw)
	if uint64(k) > uint64(len(s.t)) {
		return fmt.Errorf("%w: %d counters in a table of %d", ErrFormat, k, len(s.t))
	}
	raw = raw[4:]
	next := uint64(0)
	for i := uint32(0); i < k; i++ {
		gap, n := binary.Uvarint(raw)
		cb := 3 // bytes after the index
		if l.checked {
			cb = 4
		}
		if n <= 0 || len(raw) < n+cb {
			return fmt.Errorf("%w: counter %d is truncated", ErrFormat, i)
		}
		if n != (bits.Len64(gap|1)+6)/7 {
			return fmt.Errorf("%w: counter %d: index not a minimal uvarint", ErrFormat, i)
		}
		idx := next + gap
		if gap > uint64(len(s.t)) || idx >= uint64(len(s.t)) {
			return fmt.Errorf("%w: counter %d has index past the table", ErrFormat, i)
		}
		if l.checked {
			s.t[idx] = uint32(binary.LittleEndian.Uint16(raw[n:]))<<16 | uint32(raw[n+2])<<8 | uint32(raw[n+3])
			if raw[n+3] == 0 {
				return fmt.Errorf("%w: counter %d has count 0", ErrFormat, i)
			}
		} else {
			s.t[idx] = storedCounter(binary.LittleEndian.Uint16(raw[n:]), uint32(raw[n+2]))
		}
		next = idx + 1
		raw = raw[n+cb:]
	}
	if len(raw) != fixedStateBytes {
		return fmt.Errorf("%w: %d bytes of weights and maps, want %d", ErrFormat, len(raw), fixedStateBytes)
	}
	for _, w := range append(s.mix[:l.mixers:l.mixers], s.fin) {
		for i := range w {
			x := int32(binary.LittleEndian.Uint32(raw))
			if x > weightMax || x < -weightMax {
				return fmt.Errorf("%w: a weight is out of range", ErrFormat)
			}
			w[i] = x
			raw = raw[4:]
		}
	}
	for i := range s.apm {
		s.apm[i] = binary.LittleEndian.Uint16(raw)
		raw = raw[2:]
	}
	for i := range s.dir {
		s.dir[i] = binary.LittleEndian.Uint32(raw)
		raw = raw[4:]
	}
	return nil
}
