package stream

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/bbans/bbans/format"
)

// Writer is an io.WriteCloser that compresses what is written to it into a
// .bbans archive (SPEC.md section 4): records are cut into chunks, chunks are
// coded with bits-back ANS in parallel and written in order.
//
// Close must be called, as for zstd's Encoder: it codes the last chunk and
// writes the end of the archive, without which the archive is truncated.
// A Writer dropped without Close leaves nothing running: its chunks in
// flight are coded, their goroutines end, and the Writer and its buffers
// are garbage (only its output is lost). Reset reuses a Writer's buffers
// and coders for a new archive.
//
// The archive is a function of the bytes written, the options and the
// points where Flush was called, never of the concurrency or of scheduling
// (writer_header.go says how the header is decided).
//
// Memory (live heap) is bounded by the frame size F whatever the input
// size, F being a chunk or, with the general codec, the up to
// format.GeneralChunks chunks it gathers into one frame: about (5T + 8) F
// (for each chunk in flight its records, payloads and frame; the chunk
// being filled, chunks held while the header is decided, a frame being
// gathered) plus 1 MiB (a stored run), plus, for each of the T threads
// (the concurrency), the model coder's scratch (ScratchSizer) and the
// general codec's state. With W the smallest power of two that holds F
// (at most 4 MiB for zstd at levels 1-2 and 8 MiB above, 16 MiB for
// Brotli) and H = max(2W, 1 MiB), that state is H + 1.5 MiB at levels 1-2,
// H + 3 MiB at 3-5, H + 5.5 MiB at 6-9, H + 36 MiB at 10-11, 5W + 35 MiB
// at 12 (Brotli 9) and 14W + 16 MiB at 13-19 (Brotli 10 and 11), plus from
// level 3 the probe's (zstd's fastest, H + 1.5 MiB with W for a chunk, at
// least 256 KiB). A codec's state is made when a thread first uses it: for
// MNIST chunks of 1000 records at the default level, Brotli on gathered
// frames (text, tables) takes about 130 MiB a thread (a 6.3 MB frame,
// W = 8 MiB), while on records the model codes only the probe runs (3.5
// MiB); levels up to 11, or WithGeneralCodec(false), need far less. TestMemoryBound
// measures the whole, TestCodecState the codecs' state. An embedded model
// adds its compression, once. That is live heap; with Go's default GOGC
// the process's resident memory can reach twice it. Add the index the
// Writer ends the archive with (WithIndex): 8
// to 20 bytes per chunk, at most format.MaxIndexPayload. A Writer is used
// by one goroutine at a time, except for Progress.
type Writer struct {
	o     wOptions
	conc  int
	w     io.Writer
	model Model // nil until chosen (see chooseModel)
	hdr   format.Header

	recordSize int
	chunkBytes int
	// generalBytes is the most a general frame holds (choose.go):
	// format.GeneralChunks chunks, within 64 MiB.
	generalBytes int
	sniffed      bool   // IDX detection is done
	prefix       []byte // bytes held while detecting an IDX header
	raw          []byte // an IDX header to write as a raw frame, once
	buf          []byte // bytes of the chunk being filled
	prepared     bool   // the model and header are fixed
	started      bool   // the header has been written
	closing      bool   // Close is flushing the last chunks
	// allSubmitted is set when Close has handed the last chunk to a worker
	allSubmitted bool

	jobs    []*encJob // chunks in flight, in archive order
	pending []*encJob // coded chunks held until the header is decided
	// storeOnly is set when the header names no model: chunks are then
	// stored or coded by the general codec. merge is set when runs of
	// stored records are merged in run, into frames of up to the
	// header's chunk_records, and a coded chunk is kept only if it saves
	// runHeader bytes more than its frames (writer_header.go).
	storeOnly bool
	merge     bool
	runHeader int
	run       []byte

	free   [][]byte // chunk buffers to reuse
	coders chan *chunkCoder
	gens   chan *generalEncoder

	// The choice of each chunk's coding (choose.go).
	lvl       level
	gate      gate
	sampler   *chunkCoder    // codes gate samples, in the submitting goroutine
	sampleGen generalEncoder // probes gate samples
	sample    []byte         // a gate sample
	scratch   []byte         // payloads of a gate sample
	coding    Coding         // what the frames written so far hold
	pend      []byte         // chunks gathered for one general frame

	totals format.Totals
	index  indexWriter
	out    []byte // scratch for frames written directly
	err    error
	closed bool

	// doneIn and doneOut count, for Progress, the input bytes in the
	// frames written and the archive bytes written.
	doneIn, doneOut atomic.Int64
}

// encJob is one chunk being coded by a worker goroutine.
type encJob struct {
	data     []byte
	useModel bool           // the gate lets the model try this chunk
	hdr      format.Header  // the header the frames are checked against
	store    bool           // the archive names no model: the general codec or stored
	frames   []format.Frame // a chunk frame, or stored (or several, chunk_limits.go)
	out      []byte         // the frames' bytes
	lens     []int          // the length of each frame in out
	err      error
	done     chan struct{}
}

// NewWriter returns a Writer that writes an archive to w.
func NewWriter(w io.Writer, opts ...WOption) (*Writer, error) {
	o := defaultWOptions()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if !o.lanesSet {
		o.lanes = levelOf(o.level).lanes
	}
	if !o.chunkSet {
		o.chunkRecords = levelOf(o.level).chunkRecords
	}
	z := &Writer{o: o}
	z.Reset(w)
	return z, nil
}

// Reset discards the Writer's state and makes it write a new archive to w,
// with the same options. Chunks still in flight are waited for and dropped.
func (z *Writer) Reset(w io.Writer) {
	for _, j := range z.jobs {
		<-j.done
		z.free = append(z.free, j.data[:0])
	}
	for _, j := range z.pending {
		z.free = append(z.free, j.data[:0])
	}
	conc := concurrency(z.o.concurrency)
	// Coders are kept: one made for another model (an automatic choice
	// may differ from one archive to the next) is replaced when used.
	if z.coders == nil || cap(z.coders) != conc {
		z.coders = make(chan *chunkCoder, conc)
		for range conc {
			z.coders <- nil // created on first use, for the chosen model
		}
	}
	if z.gens == nil || cap(z.gens) != conc {
		z.gens = make(chan *generalEncoder, conc)
		for range conc {
			z.gens <- new(generalEncoder)
		}
	}
	*z = Writer{o: z.o, conc: conc, w: w, free: z.free, coders: z.coders, gens: z.gens, out: z.out[:0], index: z.index, run: z.run[:0],
		lvl: levelOf(z.o.level), sampleGen: z.sampleGen, sample: z.sample[:0], scratch: z.scratch[:0]}
	z.model = z.o.model
	if z.model != nil {
		z.setRecordSize(z.model.RecordSize())
	} else if ms := Models(); len(ms) > 0 {
		z.setRecordSize(ms[0].RecordSize())
	} else {
		z.setRecordSize(1)
	}
	z.sniffed = !z.o.idx
}

func (z *Writer) setRecordSize(n int) {
	z.recordSize = n
	z.chunkBytes = n * z.o.chunkRecords
	if z.chunkBytes > maxChunkBytes {
		z.chunkBytes = maxChunkBytes / n * n
	}
	z.generalBytes = z.chunkBytes
	if !z.o.noGeneral {
		most := maxChunkBytes / n * n
		if !z.o.chunkSet {
			// A level's longer chunks are for the model's adaptation:
			// the general codec's frames stay the default's size (and
			// so its memory), or one chunk.
			most = min(most, format.GeneralChunks*DefaultChunkRecords*n)
		}
		z.generalBytes = max(z.chunkBytes, min(format.GeneralChunks*z.chunkBytes, most))
	}
}

// maxChunkBytes bounds the memory of one chunk: 64 MiB.
const maxChunkBytes = 64 << 20

// Write compresses p. Errors are sticky: after one, every call returns it.
func (z *Writer) Write(p []byte) (int, error) {
	if z.err != nil {
		return 0, z.err
	}
	if z.closed {
		return 0, errors.New("stream: write to closed Writer")
	}
	n := len(p)
	if !z.sniffed {
		// Hold only the bytes an IDX header could need, not the whole
		// first Write (which may be the whole input).
		k := min(len(p), idxSniffBytes-len(z.prefix))
		z.prefix = append(z.prefix, p[:k]...)
		p = p[k:]
		if _, _, need := idxHeader(z.prefix); need > 0 {
			return n, nil // p is empty: an IDX header is at most 20 bytes
		}
		z.endSniff()
		rest := z.prefix
		z.prefix = nil
		if left, err := z.fill(rest); err != nil {
			return n - len(p) - left, err
		}
	}
	left, err := z.fill(p)
	return n - left, err
}

// idxSniffBytes is more than the longest IDX header (4 + 4 x 4 bytes).
const idxSniffBytes = 32

// fill copies p into chunks, submitting each full one; it returns how many
// bytes of p were not taken, with the error that stopped it.
func (z *Writer) fill(p []byte) (int, error) {
	for len(p) > 0 {
		if z.buf == nil {
			z.buf = z.newBuf()
		}
		take := min(z.chunkBytes-len(z.buf), len(p))
		z.buf = append(z.buf, p[:take]...)
		p = p[take:]
		if len(z.buf) == z.chunkBytes {
			if err := z.submit(z.buf); err != nil {
				return len(p), err
			}
			z.buf = nil
		}
	}
	return 0, nil
}

// endSniff decides whether the input starts with an IDX header, and fixes
// the record size (and the candidate models) accordingly.
func (z *Writer) endSniff() {
	z.sniffed = true
	hdrLen, item, _ := idxHeader(z.prefix)
	if hdrLen == 0 {
		return
	}
	if z.model != nil {
		if item != z.model.RecordSize() {
			return
		}
	} else {
		found := false
		for _, m := range Models() {
			if m.RecordSize() == item {
				found = true
				z.setRecordSize(item)
				break
			}
		}
		if !found {
			return
		}
	}
	z.raw = append([]byte(nil), z.prefix[:hdrLen]...)
	z.prefix = z.prefix[hdrLen:]
}

// bufOf returns an empty buffer of capacity n or more, a free one if
// there is one (a Writer reused by Reset or EncodeAll then allocates none).
func (z *Writer) bufOf(n int) []byte {
	for i := len(z.free) - 1; i >= 0; i-- {
		if b := z.free[i]; cap(b) >= n {
			z.free = append(z.free[:i], z.free[i+1:]...)
			return b[:0]
		}
	}
	return make([]byte, 0, n)
}

func (z *Writer) newBuf() []byte {
	if n := len(z.free); n > 0 {
		b := z.free[n-1]
		z.free = z.free[:n-1]
		return b[:0]
	}
	return make([]byte, 0, z.chunkBytes)
}

// chooseModel fixes the model when the caller gave none: among the
// registered models of the record size, in registration order (most
// specialised first; from BestLevel BestModel and BestModel8Bit just
// before DefaultModel and DefaultModel8Bit), the first that can code all but a few of the whole
// records of sample (at most 1% + 1, which are then escaped), else the one
// that can code the most.
func (z *Writer) chooseModel(sample []byte) error {
	if z.model != nil {
		return nil
	}
	records := len(sample) / z.recordSize
	var best Model
	bestCoded := -1
	for _, m := range candidates(Models(), z.lvl.best) {
		if m.RecordSize() != z.recordSize {
			continue
		}
		coded := 0
		for i := 0; i+z.recordSize <= len(sample); i += z.recordSize {
			if m.Codable(sample[i : i+z.recordSize]) {
				coded++
			}
		}
		if records-coded <= records/100+1 {
			best = m
			break
		}
		if coded > bestCoded {
			best, bestCoded = m, coded
		}
	}
	if best == nil {
		return fmt.Errorf("stream: no model for records of %d bytes; give one with WithModel", z.recordSize)
	}
	z.model = best
	return nil
}

// prepare fixes the model and the header before the first chunk is coded.
// With no model for the record size, the archive is written without one:
// its chunks go to the general-purpose codec or are stored. Without the
// general codec (WithGeneralCodec(false)) that is an error, unless there
// is no whole record to code.
func (z *Writer) prepare(sample []byte) error {
	if z.prepared {
		return nil
	}
	if err := z.chooseModel(sample); err != nil {
		if len(sample) >= z.recordSize && z.o.noGeneral {
			return err
		}
	}
	z.prepared = true
	z.hdr = format.Header{
		RecordSize:   z.recordSize,
		ChunkRecords: z.chunkBytes / z.recordSize,
		Lanes:        z.o.lanes,
	}
	if z.model != nil {
		z.hdr.ModelName = z.model.Name()
		z.hdr.ModelHash = z.model.Hash()
		if z.o.embed {
			z.hdr.Model = z.model.File()
			z.hdr.CompressModel = !z.o.rawEmbed
		}
	} else {
		z.hdr.NoModel = true
	}
	return nil
}

// start decides and writes the header, if that has not happened yet, and
// the frames held until then (writer_header.go).
func (z *Writer) start() error {
	if z.started {
		return nil
	}
	if z.closing && z.allSubmitted {
		return z.decide(z.modelPays())
	}
	// Flush in mid-stream: records may follow that the model codes.
	return z.decide(true)
}

func (z *Writer) writeOut(b []byte) error {
	z.out = b[:0]
	n, err := z.w.Write(b)
	z.doneOut.Add(int64(n))
	if err != nil {
		z.err = err
		return err
	}
	return nil
}

// Progress returns how many input bytes are in the frames written so far
// and how many archive bytes were written: a consistent pair, for a
// progress display, where the bytes given to Write run ahead by the chunks
// in flight. It may be called from any goroutine, also while Write, Flush
// or Close runs (not while Reset does).
func (z *Writer) Progress() (in, out int64) {
	return z.doneIn.Load(), z.doneOut.Load()
}

// writeFrame writes a frame directly (not through a worker), in order.
func (z *Writer) writeFrame(f *format.Frame) error {
	if err := z.start(); err != nil {
		return err
	}
	// The header, then the payload from where it is (a stored run of up
	// to 1 MiB is not copied to be written).
	b, err := format.AppendFrameHeader(z.out[:0], &z.hdr, f)
	if err != nil {
		z.err = err
		return err
	}
	z.totals.Add(f)
	z.coding.add(f)
	z.index.add(f, len(b)+len(f.Payload))
	if err := z.writeOut(b); err != nil {
		return err
	}
	if err := z.writeBytes(f.Payload); err != nil {
		return err
	}
	z.doneIn.Add(f.DecodedLen)
	return nil
}

// writeBytes writes p, bytes of a frame the Writer does not keep (unlike
// writeOut's, whose buffer it reuses).
func (z *Writer) writeBytes(p []byte) error {
	if len(p) == 0 {
		return nil
	}
	n, err := z.w.Write(p)
	z.doneOut.Add(int64(n))
	if err != nil {
		z.err = err
		return err
	}
	return nil
}

// submit hands a chunk of whole records to a worker, first writing out the
// oldest chunk if concurrency chunks are in flight.
func (z *Writer) submit(data []byte) error {
	if err := z.prepare(data); err != nil {
		z.err = err
		return err
	}
	useModel := z.modelPlan(data)
	if !useModel && !z.o.noGeneral {
		return z.pendGeneral(data)
	}
	if err := z.submitPend(); err != nil {
		return err
	}
	return z.submitJob(data, useModel)
}

// submitJob hands data to a worker, first writing out the oldest chunk if
// concurrency chunks are in flight.
func (z *Writer) submitJob(data []byte, useModel bool) error {
	if len(z.jobs) == z.conc {
		if err := z.finishOldest(); err != nil {
			return err
		}
	}
	j := &encJob{data: data, useModel: useModel && !z.storeOnly, hdr: z.hdr, store: z.storeOnly, done: make(chan struct{})}
	z.jobs = append(z.jobs, j)
	if z.conc == 1 {
		z.encode(j) // no goroutine to hand the chunk to and back
	} else {
		go z.encode(j)
	}
	if !z.started {
		return z.decideIfKnown()
	}
	return nil
}

// encode codes one chunk: Chunk frames (chunk_limits.go), a Zstd or Brotli
// frame, or a Stored frame, whichever is smallest of those codeChunk tries.
// A chunk of an archive that names no model is not given to the model; if
// the general codec does not shrink it the Writer stores it (emit).
func (z *Writer) encode(j *encJob) {
	defer close(j.done)
	if j.store && z.o.noGeneral {
		return
	}
	var c *chunkCoder
	if j.useModel {
		c = <-z.coders
		if c == nil || c.model.Hash() != z.model.Hash() {
			c = newChunkCoder(z.model, z.o.lanes)
		}
		defer func() { z.coders <- c }()
	}
	ge := <-z.gens
	defer func() { z.gens <- ge }()
	ge.most, ge.probeMost = z.generalBytes, z.probeBytes()
	j.frames = z.codeChunk(j.frames[:0], j.data, c, ge)
	if len(j.frames) == 1 && j.frames[0].Type == format.Stored {
		if j.store {
			j.frames = j.frames[:0] // emit merges it into the stored run
			return
		}
		j.frames = storedFrames(j.frames[:0], j.data, j.hdr.ChunkBytes(), z.recordSize)
	}
	// A coded frame's payload is in a buffer of the coder or of ge, which
	// the next chunk reuses: it is copied into out. A stored frame's is
	// the chunk's records, which the job holds anyway: out gets only its
	// header, and emit writes the records from where they are.
	for i := range j.frames {
		f := &j.frames[i]
		n := len(j.out)
		if f.Type == format.Stored {
			j.out, j.err = format.AppendFrameHeader(j.out, &j.hdr, f)
		} else {
			j.out, j.err = format.AppendFrame(j.out, &j.hdr, f)
			f.Payload = nil
		}
		if j.err != nil {
			return
		}
		j.lens = append(j.lens, len(j.out)-n)
	}
}

// size is the length of the job's frames in the archive.
func (j *encJob) size() int {
	n := len(j.out)
	for i := range j.frames {
		n += len(j.frames[i].Payload) // stored frames': the others are nil
	}
	return n
}

// finishOldest waits for the oldest chunk in flight and writes it, or holds
// it while the header is undecided.
func (z *Writer) finishOldest() error {
	j := z.jobs[0]
	<-j.done
	z.jobs[0] = nil
	z.jobs = z.jobs[1:]
	if j.err != nil {
		z.free = append(z.free, j.data[:0])
		z.err = j.err
		return j.err
	}
	if !z.started {
		z.pending = append(z.pending, j)
		return z.decideIfKnown()
	}
	return z.emit(j)
}

// Flush codes everything written so far and writes it to the underlying
// writer, so that a reader can decode all of it. A partial record at the end
// is written as a tail frame: later records are then coded from where the
// tail ended, so flushing in the middle of a record costs compression.
func (z *Writer) Flush() error {
	if z.err != nil {
		return z.err
	}
	if z.closed {
		return errors.New("stream: flush of closed Writer")
	}
	return z.flush()
}

func (z *Writer) flush() error {
	if !z.sniffed {
		z.endSniff()
		p := z.prefix
		z.prefix = nil
		z.buf = append(z.newBuf(), p...)
	}
	if err := z.prepare(z.buf); err != nil {
		z.err = err
		return err
	}
	whole := len(z.buf) / z.recordSize * z.recordSize
	var tail []byte
	if whole > 0 {
		tail = append(tail, z.buf[whole:]...)
		if err := z.submit(z.buf[:whole]); err != nil {
			return err
		}
	} else {
		tail = z.buf
	}
	if err := z.submitPend(); err != nil {
		return err
	}
	z.allSubmitted = z.closing
	for len(z.jobs) > 0 {
		if err := z.finishOldest(); err != nil {
			return err
		}
	}
	if err := z.start(); err != nil {
		return err
	}
	if err := z.flushRun(); err != nil {
		return err
	}
	if len(tail) > 0 {
		if err := z.writeFrame(&format.Frame{Type: format.Tail, DecodedLen: int64(len(tail)), CRC: format.Checksum(tail), Payload: tail}); err != nil {
			return err
		}
	}
	if whole == 0 && z.buf != nil {
		z.free = append(z.free, z.buf[:0])
	}
	z.buf = nil
	return nil
}

// EncodeAll compresses src into one archive and appends it to dst, as the
// package's EncodeAll does with the Writer's options, but with the
// Writer's buffers and coders (model scratch included) kept from one call
// to the next: the way to code many small buffers, as with zstd's
// Encoder.EncodeAll. Like Reset, it discards an archive being written,
// and the Writer can go on to Reset afterwards. It is not safe for
// concurrent use: use a Writer per goroutine (or a sync.Pool of them).
func (z *Writer) EncodeAll(src, dst []byte) ([]byte, error) {
	out := appendWriter{dst}
	z.Reset(&out)
	_, err := z.Write(src)
	if err == nil {
		err = z.Close()
	}
	z.w = nil // do not keep the caller's buffer
	if err != nil {
		return dst, err
	}
	return out.b, nil
}

// appendWriter appends what is written to b.
type appendWriter struct{ b []byte }

func (a *appendWriter) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}

// Close codes what is left, writes the end of the archive and waits for
// every chunk. It does not close the underlying writer.
func (z *Writer) Close() error {
	if z.closed {
		return z.err
	}
	if z.err != nil {
		return z.err
	}
	z.closing = true
	if err := z.flush(); err != nil {
		return err
	}
	if err := z.start(); err != nil { // an empty archive
		return err
	}
	z.closed = true
	b := z.index.appendFrame(z.out[:0], &z.o)
	return z.writeOut(format.AppendEnd(b, z.totals))
}
