package stream

import (
	"github.com/bbans/bbans/format"
)

// How a Writer chooses each chunk's coding: the model (a Chunk frame), the
// general-purpose codec (a Zstd or Brotli frame) or none (Stored), by what
// is smaller, without running what cannot win (SPEC.md section 5.4).
//
// Every decision is a function of the input and the options alone, never
// of timing or of which worker finishes first: the gate below is run in
// input order by the goroutine that submits chunks, and a worker decides
// from its own chunk's content.

const (
	// sampleRecords is how many records, spread evenly over a chunk, a
	// gate check codes with the model: 0.8% of a 1000-record chunk. On
	// MNIST the model's sample is half the probe's or less, so a few
	// records decide; on random bytes an 8-bit model's sample costs as
	// much as zstd -3 on 2 MB.
	sampleRecords = 8
	// fitsRecheck is the number of chunks after a check that found the
	// model fits before the next check (so that text after images soon
	// stops going through the networks).
	fitsRecheck = 16
	// firstRecheck and maxRecheck bound the gap between checks that find
	// it does not fit, which doubles from firstRecheck chunks (data
	// changes, but random or text input should cost a check per 50 MB at
	// most).
	firstRecheck = 4
	maxRecheck   = 64
	// probeMargin: a chunk the model codes to at most probeMargin/16 of
	// what the probe (zstd's fastest setting) gives is not tried with a
	// stronger general codec. The strongest settings gain about 28% over
	// the probe on text and less on most data; the model beats the probe
	// on MNIST by 45% (8-bit) to 60% (binarized).
	probeMargin = 12
	// probeMin: a chunk the probe shrinks by less than 1/probeMin is not
	// tried with a stronger general codec (random or compressed bytes):
	// this is what keeps incompressible input at memory speed.
	probeMin = 256
)

// gate decides, for each chunk in input order, whether the model is tried
// on it.
type gate struct {
	chunk int  // index of the next chunk
	next  int  // index of the chunk that is checked next
	gap   int  // chunks from one check that found no fit to the next
	fits  bool // the last check found the model fits
}

// modelPlan reports whether the model codes the chunk data, the next chunk
// of the input, checking a sample when a check is due.
func (z *Writer) modelPlan(data []byte) bool {
	if z.model == nil {
		return false
	}
	if z.o.noGeneral {
		return true
	}
	g := &z.gate
	k := g.chunk
	g.chunk++
	if k < g.next {
		return g.fits
	}
	g.fits = z.sampleFits(data)
	if g.fits {
		g.gap = 0
		g.next = k + fitsRecheck
	} else {
		g.gap = min(max(2*g.gap, firstRecheck), maxRecheck)
		g.next = k + g.gap
	}
	return g.fits
}

// sampleFits codes sampleRecords records spread over data with the model
// and with the probe, and reports whether the model gives fewer bytes.
func (z *Writer) sampleFits(data []byte) bool {
	rs := z.recordSize
	n := len(data) / rs
	s := min(n, sampleRecords)
	if s == 0 {
		return false
	}
	z.sample = z.sample[:0]
	for i := range s {
		r := i * n / s
		z.sample = append(z.sample, data[r*rs:(r+1)*rs]...)
	}
	if z.sampler == nil {
		z.sampler = newChunkCoder(z.model, z.o.lanes)
	}
	m := z.sampler.encode(z.scratch[:0], z.sample)
	ml := len(m)
	z.scratch = m[:0]
	z.sampleGen.most, z.sampleGen.probeMost = z.generalBytes, z.probeBytes()
	g := z.sampleGen.encode(&z.scratch, probe, z.sample)
	return ml < min(len(g), len(z.sample))
}

// pendGeneral adds data, a chunk the gate did not let through, to the
// general frame being gathered, and submits that frame when it is full
// (format.GeneralChunks chunks: a general codec gains from the longer
// history, the model would not).
// The chunk's buffer is free again at once.
func (z *Writer) pendGeneral(data []byte) error {
	if z.pend == nil {
		z.pend = z.bufOf(z.generalBytes)
	}
	z.pend = append(z.pend, data...)
	z.free = append(z.free, data[:0])
	if len(z.pend)+z.chunkBytes > z.generalBytes {
		return z.submitPend()
	}
	return nil
}

// submitPend submits the general frame being gathered, if any: before any
// later chunk, so that frames stay in input order.
func (z *Writer) submitPend() error {
	if len(z.pend) == 0 {
		return nil
	}
	p := z.pend
	z.pend = nil
	return z.submitJob(p, false)
}

// choice is the coding a worker keeps for a chunk: frames of one type
// (several chunk frames where chunk_limits.go splits a dense chunk) and
// the bytes of their payloads.
type choice struct {
	frames []format.Frame
	size   int
	// what a single frame of the chunk states
	records, decoded int64
	crc              uint32
}

// consider keeps the frame of type t with payload p if it is shorter than
// what c holds.
func (c *choice) consider(t format.FrameType, p []byte) {
	// A general frame's payload carries a 4-byte check besides p: a frame
	// that would not be shorter than its content is not one (SPEC 4.4).
	if n := format.WirePayloadLen(t, len(p)); n < int64(c.size) {
		c.frames = append(c.frames[:0], format.Frame{Type: t, Records: c.records, DecodedLen: c.decoded, CRC: c.crc, Payload: p})
		c.size = int(n)
	}
}

// codeChunk appends to dst the frames that code data: the model's (when c
// is not nil: the gate let it through), the general codec's of the level,
// or a stored frame, whichever is smallest of those it tries.
func (z *Writer) codeChunk(dst []format.Frame, data []byte, c *chunkCoder, ge *generalEncoder) []format.Frame {
	best := choice{frames: dst[:0], size: len(data), records: int64(len(data) / z.recordSize), decoded: int64(len(data)), crc: format.Checksum(data)}
	best.frames = append(best.frames, format.Frame{Type: format.Stored, Records: best.records, DecodedLen: best.decoded, CRC: best.crc, Payload: data})
	modelLen := len(data)
	if c != nil {
		fs := c.frames(nil, data)
		n := 0
		for i := range fs {
			n += len(fs[i].Payload)
		}
		if n < best.size {
			best.frames, best.size = append(best.frames[:0], fs...), n
			modelLen = n
		}
	}
	if z.o.noGeneral {
		return best.frames
	}
	g := z.lvl.general
	if c == nil || z.lvl.effort == effortFull {
		// No model to beat, or a level that does not take the probe's
		// word: the level's codec, unless samples say the bytes are
		// incompressible.
		if !sampledIncompressible(data, ge) {
			best.consider(g.typ, ge.encode(&ge.gbuf, g, data))
		}
		return best.frames
	}
	f := ge.encode(&ge.pbuf, probe, data)
	best.consider(probe.typ, f)
	if g == probe {
		return best.frames
	}
	if len(f) > len(data)-len(data)/probeMin {
		return best.frames // nothing a general codec can gain
	}
	if modelLen*16 <= len(f)*probeMargin {
		return best.frames // the model wins by more than any setting gains over the probe
	}
	best.consider(g.typ, ge.encode(&ge.gbuf, g, data))
	return best.frames
}

// storedFrames appends stored frames of data, each at most chunk bytes (a
// whole number of records): general frames gather several chunks, stored
// frames hold one.
func storedFrames(dst []format.Frame, data []byte, chunk, recordSize int) []format.Frame {
	for len(data) > 0 {
		p := data[:min(chunk, len(data))]
		data = data[len(p):]
		dst = append(dst, format.Frame{Type: format.Stored, Records: int64(len(p) / recordSize), DecodedLen: int64(len(p)), CRC: format.Checksum(p), Payload: p})
	}
	return dst
}

// probeBytes is the longest input the probe codes when it is not the
// level's codec: a chunk (of the model's, codeChunk), or a frame of up to
// probePieces pieces that sampledIncompressible probes whole. Where the
// level's codec is the probe, it codes whole frames.
func (z *Writer) probeBytes() int {
	if z.lvl.general == probe {
		return z.generalBytes
	}
	return max(z.chunkBytes, probePieces*probePiece)
}

// Incompressibility is judged from probePieces pieces of probePiece bytes
// spread evenly over a chunk: 4% of a 6.3 MB general frame, so that random
// or compressed input costs a twenty-fifth of a probe over all of it.
const (
	probePieces = 16
	probePiece  = 16 << 10
)

// sampledIncompressible reports whether the probe (zstd's fastest setting)
// saves less than 1/probeMin of probePieces pieces spread over data (all of
// data, if it is shorter than those pieces together). Deterministic: a
// function of data alone.
func sampledIncompressible(data []byte, ge *generalEncoder) bool {
	if len(data) <= probePieces*probePiece {
		f := ge.encode(&ge.pbuf, probe, data)
		return len(f) > len(data)-len(data)/probeMin
	}
	in, out := 0, 0
	for i := range probePieces {
		at := i * (len(data) - probePiece) / (probePieces - 1)
		piece := data[at : at+probePiece]
		in += len(piece)
		out += len(ge.encode(&ge.pbuf, probe, piece))
	}
	return out > in-in/probeMin
}

// Coding tells how the content written so far was coded, in bytes of
// content: by the model (chunk frames), by the general-purpose codec (Zstd
// and Brotli frames) and stored verbatim (stored, tail and raw frames).
type Coding struct {
	Model   string // the model's name; empty if the Writer has none
	Modeled int64
	General int64
	Stored  int64
}

// Coding reports how the frames written so far were coded (after Close:
// the whole archive's). A tool can warn, as bbans compress does, when no
// byte went to the model.
func (z *Writer) Coding() Coding {
	c := z.coding
	if z.model != nil {
		c.Model = z.model.Name()
	}
	return c
}

// add accounts for frame f.
func (c *Coding) add(f *format.Frame) {
	switch {
	case f.Type == format.Chunk:
		c.Modeled += f.DecodedLen
	case f.Type.IsGeneral():
		c.General += f.DecodedLen
	case f.Type.IsData():
		c.Stored += f.DecodedLen
	}
}
