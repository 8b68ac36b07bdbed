package stream

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/bbans/bbans/format"
)

// Reader is an io.Reader that decompresses a .bbans stream: one or more
// concatenated archives, decoded as one stream. A goroutine reads frames
// ahead and chunks are decoded in parallel, then returned in order. Every
// chunk's content is checked against its CRC-32C and every archive against
// its end frame's totals, so damage is an error, never silently wrong
// output; the data before the damage is returned first.
//
// Memory (live heap) is about (4T + 6) F, for T frames decoded at once
// (the concurrency) and F the largest frame: a chunk, up to
// format.GeneralChunks chunks for the general codec, up to 1 MiB for the
// stored frames that merge chunks (each frame queued holds its payload and
// its content), plus, for each thread, the model coder's
// scratch (ScratchSizer) and, for Brotli frames, the decoder's window (at
// most 2F); an embedded model adds its parsed tables. TestMemoryBound
// measures it; resident memory can be twice it with Go's default GOGC. It
// is never more than WithDecoderMaxMemory allows.
//
// Close a Reader when done with it, as with zstd's decoder: Close stops the
// goroutines at once. A Reader dropped without Close releases them when the
// garbage collector finds it unreachable (reader_cleanup.go), which may be
// much later.
type Reader struct {
	o    rOptions
	conc int
	r    io.Reader
	sess *readSession
	stop *sessionStop // shared with the cleanup that runs if z is dropped
	cur  []byte
	err  error
}

var errClosed = errors.New("stream: read from closed Reader")

// NewReader returns a Reader that decompresses r. Nothing is read until
// the first Read or WriteTo.
func NewReader(r io.Reader, opts ...ROption) (*Reader, error) {
	o := defaultROptions()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	z := &Reader{o: o, conc: concurrency(o.concurrency), r: r}
	z.stop = watchReader(z)
	return z, nil
}

// Reset discards the Reader's state and makes it decompress r, keeping its
// options.
func (z *Reader) Reset(r io.Reader) {
	z.stopSession()
	z.r, z.cur, z.err = r, nil, nil
}

// Close stops decoding and the goroutines that do it, and releases their
// buffers. It does not close the underlying reader; reading after Close is
// an error.
func (z *Reader) Close() error {
	z.stopSession()
	z.cur, z.err = nil, errClosed
	return nil
}

func (z *Reader) stopSession() {
	if z.sess != nil {
		z.stop.set(nil)
		close(z.sess.quit)
		z.sess = nil
	}
}

// Read reads decompressed bytes into p.
func (z *Reader) Read(p []byte) (int, error) {
	for len(z.cur) == 0 {
		if z.err != nil {
			return 0, z.err
		}
		z.advance()
	}
	n := copy(p, z.cur)
	z.cur = z.cur[n:]
	return n, nil
}

// WriteTo writes the decompressed stream to w, without the copy through
// Read's buffer. It returns the number of bytes written.
func (z *Reader) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for {
		if len(z.cur) > 0 {
			m, err := w.Write(z.cur)
			n += int64(m)
			z.cur = z.cur[m:]
			if err != nil {
				return n, err
			}
			continue
		}
		if z.err != nil {
			if z.err == io.EOF {
				return n, nil
			}
			return n, z.err
		}
		z.advance()
	}
}

// advance makes the next frame's content current.
func (z *Reader) advance() {
	if z.sess == nil {
		z.sess = startSession(z.r, z.o, z.conc)
		z.stop.set(z.sess.quit)
	}
	var j *decJob
	if z.conc == 1 {
		// One chunk at a time: read and decode it here, with no
		// goroutine to hand it over (which costs more than a small
		// chunk on a busy machine).
		var err error
		if j, err = z.sess.next(); err == io.EOF {
			z.err = io.EOF
			return
		} else if err != nil {
			z.err = err
			z.stopSession()
			return
		}
	} else {
		var ok bool
		if j, ok = <-z.sess.jobs; !ok {
			z.err = io.EOF
			return
		}
	}
	<-j.done
	if j.err != nil {
		z.err = j.err
		z.stopSession()
		return
	}
	z.cur = j.out
}

// readSession is the goroutine that reads frames ahead of the consumer and
// starts their decoding: frames go into jobs in stream order, at most conc
// ahead; an error goes in as a job of its own, after the frames before it.
type readSession struct {
	o    rOptions
	conc int
	fr   *format.Reader
	jobs chan *decJob
	quit chan struct{}

	hdr      *format.Header
	archives int
	model    Model
	coders   chan *chunkCoder
	scratch  int64 // one coder's scratch (coderSlots)
}

// decJob is one frame being decoded.
type decJob struct {
	frame   format.Frame
	payload []byte
	out     []byte
	err     error
	done    chan struct{}
}

func startSession(r io.Reader, o rOptions, conc int) *readSession {
	s := &readSession{o: o, conc: conc, jobs: make(chan *decJob, conc), quit: make(chan struct{})}
	s.fr = format.NewReader(r, s.limits())
	if conc > 1 {
		go s.run() // with one, the Reader calls next itself (advance)
	}
	return s
}

// limits splits the memory bound between the chunks in flight (conc queued,
// one being read and one being consumed): each holds a payload copy, the
// decoded content and a message about the payload's size.
func (s *readSession) limits() format.Limits {
	share := int(min(s.o.maxMemory/int64(s.conc+2)/3, 1<<40))
	return format.Limits{
		MaxModel:   int(min(s.o.maxMemory/4, format.DefaultMaxModel)),
		MaxPayload: share,
		MaxDecoded: share,
	}
}

func (s *readSession) run() {
	defer close(s.jobs)
	for {
		j, err := s.next()
		if err == io.EOF {
			return
		}
		if err != nil {
			j = &decJob{err: err, done: make(chan struct{})}
			close(j.done)
		}
		select {
		case s.jobs <- j:
		case <-s.quit:
			return
		}
		if err != nil {
			return
		}
	}
}

// next reads the next data frame and starts decoding it. It returns io.EOF
// at the clean end of the input.
func (s *readSession) next() (*decJob, error) {
	for {
		if s.hdr == nil {
			h, err := s.fr.ReadHeader()
			if err == io.EOF && s.archives == 0 {
				return nil, fmt.Errorf("%w: empty input is not a bbans archive", format.ErrHeader)
			}
			if err != nil {
				return nil, err
			}
			s.startArchive(h)
		}
		f, err := s.fr.Next()
		if err == io.EOF {
			s.hdr = nil // the end frame has been checked; maybe another archive
			continue
		}
		if err != nil {
			return nil, err
		}
		if f.Type.IsData() {
			return s.start(f)
		}
	}
}

func (s *readSession) startArchive(h *format.Header) {
	s.archives++
	s.hdr = h
	// Keep the model and its coders across archives of the same model;
	// a coder made for another lane count is replaced when it is used.
	if s.model != nil && (h.ModelHash != s.model.Hash() || h.RecordSize != s.model.RecordSize()) {
		s.model, s.coders = nil, nil
	}
}

// resolveModel finds the current archive's model: given by the caller,
// registered (built in), or embedded in the archive.
func (s *readSession) resolveModel() error {
	if s.model != nil {
		return nil
	}
	m, err := archiveModel(s.hdr, &s.o)
	if err != nil {
		return err
	}
	s.model = m
	var slots int
	slots, s.scratch = coderSlots(m, s.hdr.Lanes, s.conc, s.o.maxMemory)
	s.coders = make(chan *chunkCoder, slots)
	for range slots {
		s.coders <- nil // made on first use
	}
	return nil
}

// start begins decoding data frame f.
func (s *readSession) start(f *format.Frame) (*decJob, error) {
	j := &decJob{frame: *f, done: make(chan struct{})}
	j.frame.Payload = nil
	// With one thread the frame is decoded, and its content consumed,
	// before the next frame is read over f.Payload: it is used where it
	// is. With more, frames are read ahead, and each keeps a copy.
	payload := f.Payload
	if s.conc > 1 {
		payload = bytes.Clone(payload)
	}
	if f.Type.IsGeneral() {
		j.payload = payload
		j.out = make([]byte, f.DecodedLen)
		if s.conc == 1 {
			decodeGeneralJob(j)
		} else {
			go decodeGeneralJob(j)
		}
		return j, nil
	}
	if f.Type != format.Chunk {
		// Stored, tail and raw content is the payload, checked by format.
		j.out = payload
		close(j.done)
		return j, nil
	}
	if f.Records > 1 && f.DecodedLen/s.o.maxRatio > int64(len(f.Payload)) {
		return nil, &format.CorruptInputError{Offset: f.Offset, Err: format.ErrLimit,
			Reason: fmt.Sprintf("chunk frame claims %d bytes from a payload of %d, more than the limit of %d per byte (WithDecoderMaxRatio)", f.DecodedLen, len(f.Payload), s.o.maxRatio)}
	}
	if err := s.resolveModel(); err != nil {
		return nil, err
	}
	if err := scratchError(f, s.hdr.ModelName, s.hdr.Lanes, s.scratch, s.o.maxMemory); err != nil {
		return nil, err
	}
	j.payload = payload
	j.out = make([]byte, f.DecodedLen)
	if s.conc == 1 {
		decodeChunk(j, s.model, s.coders, s.hdr.Lanes) // the read-ahead goroutine is enough
	} else {
		go decodeChunk(j, s.model, s.coders, s.hdr.Lanes)
	}
	return j, nil
}

func decodeChunk(j *decJob, m Model, coders chan *chunkCoder, lanes int) {
	defer close(j.done)
	defer func() { j.payload = nil }() // not held while the content waits to be read
	c := <-coders
	if c == nil || c.lanes != lanes {
		c = newChunkCoder(m, lanes)
	}
	defer func() { coders <- c }()
	if err := c.decode(j.out, j.payload); err != nil {
		j.err = &format.CorruptInputError{Offset: j.frame.Offset, Reason: "chunk payload: " + err.Error(), Err: format.ErrChecksum}
		return
	}
	j.err = j.frame.Verify(j.out)
}

// decodeGeneralJob decodes a Zstd or Brotli frame's payload.
func decodeGeneralJob(j *decJob) {
	defer close(j.done)
	defer func() { j.payload = nil }()
	if err := decodeGeneral(j.frame.Type, j.out, j.payload); err != nil {
		j.err = &format.CorruptInputError{Offset: j.frame.Offset, Reason: j.frame.Type.String() + " payload: " + err.Error(), Err: format.ErrChecksum}
		return
	}
	j.err = j.frame.Verify(j.out)
}

// DecodeAll decompresses the whole stream src and appends it to dst.
func DecodeAll(src, dst []byte, opts ...ROption) ([]byte, error) {
	z, err := NewReader(bytes.NewReader(src), opts...)
	if err != nil {
		return dst, err
	}
	defer z.Close()
	buf := bytes.NewBuffer(dst)
	_, err = z.WriteTo(buf)
	return buf.Bytes(), err
}

// EncodeAll compresses src into one archive and appends it to dst. It
// makes a Writer for the call; to code many buffers, keep one Writer and
// call its EncodeAll method, which reuses its buffers and coders.
func EncodeAll(src, dst []byte, opts ...WOption) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	z, err := NewWriter(buf, opts...)
	if err != nil {
		return dst, err
	}
	if _, err := z.Write(src); err != nil {
		return dst, err
	}
	if err := z.Close(); err != nil {
		return dst, err
	}
	return buf.Bytes(), nil
}
