package stream

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/bbans/bbans/format"
)

// ReaderAt gives random access to the decoded content of a .bbans input
// held in an io.ReaderAt (a file, a memory buffer): ReadAt over the bytes,
// and Record and AppendRecords over the records, decoding only the chunks
// they touch. Archives that end in an index (SPEC.md section 4.11, written
// by default) are opened with three small reads each; archives without one
// are opened by walking their frame headers, which skips the payloads.
// Concatenated archives are one content, as with Reader.
//
// A ReaderAt is safe for concurrent use. Decoded chunks are kept in a cache
// bounded in bytes (WithChunkCache), so reads near each other decode a
// chunk once. Every chunk is checked against its CRC-32C when decoded, and
// every frame against what the index says of it, so a damaged archive or a
// lying index gives an error (format.CorruptInputError), never wrong bytes.
type ReaderAt struct {
	r    io.ReaderAt
	size int64
	o    rOptions
	lim  format.Limits

	members []*atMember
	frames  []atFrame // the data frames of all archives, in order
	length  int64     // bytes of decoded content
	records int64

	sem   chan struct{} // bounds the decodes in flight
	cache chunkCache

	decodes atomic.Int64 // chunk frames decoded, for tests and benchmarks
}

// atMember is one archive of the input and what decoding it needs.
type atMember struct {
	format.Member
	once     sync.Once
	model    Model
	modelErr error
	coders   chan *chunkCoder
	scratch  int64 // one coder's scratch (coderSlots)
}

// atFrame is one data frame and where its content and records fall.
type atFrame struct {
	ref         format.FrameRef
	m           *atMember
	off         int64 // decoded offset of the frame's first byte
	firstRecord int64 // number of the frame's first record, if it holds records
}

// bytesPerFrame is what ReadMembers and the ReaderAt keep per frame, to
// bound the frames an input may have by the memory option.
const bytesPerFrame = 128

// NewReaderAt opens the .bbans input r of size bytes for random access. It
// reads the archives' indexes (or walks their frame headers) and checks
// them against the archives' headers and end frames; no chunk is decoded
// yet. The Reader options apply: WithModels, WithEmbeddedModels,
// WithDecoderMaxRatio, WithDecoderConcurrency (decodes at once, 0 =
// GOMAXPROCS),
// WithDecoderMaxMemory (which bounds the index, the chunk cache and the
// chunks being decoded together) and WithChunkCache.
func NewReaderAt(r io.ReaderAt, size int64, opts ...ROption) (*ReaderAt, error) {
	o := defaultROptions()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if size < 0 {
		return nil, fmt.Errorf("stream: negative size %d", size)
	}
	conc := concurrency(o.concurrency)
	// The memory bound: a quarter for the chunk cache at most, a quarter
	// for the coders' scratch (as the Reader counts it), a sixteenth for
	// the index, and shares of the rest for the decodes in flight
	// (payload, content and message each).
	cacheMax := min(o.maxMemory/4, o.cacheBytes)
	if o.cacheBytes < 0 {
		cacheMax = o.maxMemory / 4
	}
	indexMax := o.maxMemory / 16
	rest := o.maxMemory - cacheMax - o.maxMemory/4 - indexMax
	share := int(min(rest/int64(conc)/3, 1<<40))
	z := &ReaderAt{
		r: r, size: size, o: o,
		lim: format.Limits{
			MaxModel:   int(min(o.maxMemory/4, format.DefaultMaxModel)),
			MaxPayload: share,
			MaxDecoded: share,
		},
		sem: make(chan struct{}, conc),
	}
	z.cache.init(cacheMax)
	ms, err := format.ReadMembers(r, size, z.lim, int(min(indexMax/bytesPerFrame, 1<<40)))
	if err == io.EOF {
		return nil, fmt.Errorf("%w: empty input is not a bbans archive", format.ErrHeader)
	}
	if err != nil {
		return nil, err
	}
	for i := range ms {
		m := &atMember{Member: ms[i]}
		z.members = append(z.members, m)
		for _, ref := range m.Frames {
			if ref.DecodedLen == 0 {
				continue // a skippable frame
			}
			f := atFrame{ref: ref, m: m, off: z.length, firstRecord: z.records}
			z.frames = append(z.frames, f)
			z.length += ref.DecodedLen
			z.records += ref.Records
		}
	}
	return z, nil
}

// Size returns the length of the decoded content in bytes.
func (z *ReaderAt) Size() int64 { return z.length }

// Records returns the number of records in the content: those of the
// chunk and stored frames of every archive (SPEC.md section 4.4); bytes
// outside the record grid (an IDX file's header, a tail) are not records.
func (z *ReaderAt) Records() int64 { return z.records }

// Indexed returns how many of the input's archives, and of how many, were
// opened through their index rather than by walking their frame headers.
func (z *ReaderAt) Indexed() (indexed, archives int) {
	for _, m := range z.members {
		if m.IndexLen > 0 {
			indexed++
		}
	}
	return indexed, len(z.members)
}

// Members returns the archives of the input as format.ReadMembers found
// them: headers, frames and index frames, for tools (bbans info).
func (z *ReaderAt) Members() []format.Member {
	out := make([]format.Member, len(z.members))
	for i, m := range z.members {
		out[i] = m.Member
	}
	return out
}

// ReadAt reads len(p) bytes of decoded content from offset off, decoding
// the chunks it covers (or taking them from the cache). As io.ReaderAt
// requires, it returns an error whenever n < len(p): io.EOF at the end of
// the content.
func (z *ReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("stream: ReadAt at a negative offset")
	}
	n := 0
	for n < len(p) {
		if off >= z.length {
			return n, io.EOF
		}
		k := sort.Search(len(z.frames), func(i int) bool { return z.frames[i].off+z.frames[i].ref.DecodedLen > off })
		content, err := z.content(k)
		if err != nil {
			return n, err
		}
		c := copy(p[n:], content[off-z.frames[k].off:])
		n += c
		off += int64(c)
	}
	return n, nil
}

// Record returns record i (counted from 0 across the archives), in a new
// slice of its archive's record size.
func (z *ReaderAt) Record(i int64) ([]byte, error) {
	return z.AppendRecords(nil, i, i+1)
}

// AppendRecords appends records lo to hi-1 to dst, decoding each chunk
// they fall in once.
func (z *ReaderAt) AppendRecords(dst []byte, lo, hi int64) ([]byte, error) {
	if lo < 0 || hi < lo || hi > z.records {
		return dst, fmt.Errorf("stream: records %d:%d outside the %d records of the archive", lo, hi, z.records)
	}
	for lo < hi {
		k := z.recordFrame(lo)
		f := &z.frames[k]
		content, err := z.content(k)
		if err != nil {
			return dst, err
		}
		rs := int64(f.m.Header.RecordSize)
		end := min(hi, f.firstRecord+f.ref.Records)
		dst = append(dst, content[(lo-f.firstRecord)*rs:(end-f.firstRecord)*rs]...)
		lo = end
	}
	return dst, nil
}

// AppendBatch appends the records numbered in idx to dst, in the order of
// idx (a shuffled batch for a training loop, say), decoding each chunk they
// fall in once, cache or no cache, and up to the decoder concurrency of
// them at once.
func (z *ReaderAt) AppendBatch(dst []byte, idx []int64) ([]byte, error) {
	type pick struct {
		k   int   // data frame
		at  int   // offset in dst
		rec int64 // record number
	}
	picks := make([]pick, len(idx))
	start, at := len(dst), len(dst)
	for j, i := range idx {
		if i < 0 || i >= z.records {
			return dst, fmt.Errorf("stream: record %d outside the %d records of the archive", i, z.records)
		}
		k := z.recordFrame(i)
		picks[j] = pick{k, at, i}
		at += z.frames[k].m.Header.RecordSize
	}
	sort.Slice(picks, func(a, b int) bool { return picks[a].k < picks[b].k })
	dst = append(dst, make([]byte, at-start)...)
	// One goroutine per chunk; content bounds the decodes in flight, and
	// each goroutine copies into its own records of dst.
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for j := 0; j < len(picks); {
		g := j
		for j < len(picks) && picks[j].k == picks[g].k {
			j++
		}
		group := picks[g:j]
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := group[0].k
			content, err := z.content(k)
			if err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
				return
			}
			f := &z.frames[k]
			rs := int64(f.m.Header.RecordSize)
			for _, p := range group {
				copy(dst[p.at:], content[(p.rec-f.firstRecord)*rs:(p.rec-f.firstRecord+1)*rs])
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return dst[:start], first
	}
	return dst, nil
}

// recordFrame returns the data frame holding record i: the first with
// records past i (tail and raw frames hold none and are passed over).
func (z *ReaderAt) recordFrame(i int64) int {
	return sort.Search(len(z.frames), func(k int) bool {
		f := &z.frames[k]
		return f.firstRecord+f.ref.Records > i
	})
}

// content returns the decoded content of data frame k, from the cache or
// decoded now. The slice is shared: callers copy from it.
func (z *ReaderAt) content(k int) ([]byte, error) {
	e, owner := z.cache.get(k)
	if !owner {
		<-e.done
		if e.err != nil {
			return nil, e.err
		}
		return e.data, nil
	}
	data, err := z.decode(&z.frames[k])
	z.cache.finish(k, e, data, err)
	return data, err
}

// decode reads data frame f and decodes it.
func (z *ReaderAt) decode(f *atFrame) ([]byte, error) {
	z.sem <- struct{}{}
	defer func() { <-z.sem }()
	fr, err := format.ReadFrameAt(z.r, z.size, f.ref, f.m.Header, z.lim, nil)
	if err != nil {
		return nil, err
	}
	var out []byte
	switch fr.Type {
	case format.Stored, format.Tail, format.Raw:
		out = fr.Payload // ReadFrameAt's buffer is ours
	case format.Chunk:
		if out, err = z.decodeChunk(f.m, fr); err != nil {
			return nil, err
		}
	case format.Zstd, format.Brotli:
		out = make([]byte, fr.DecodedLen)
		if err := decodeGeneral(fr.Type, out, fr.Payload); err != nil {
			return nil, &format.CorruptInputError{Offset: fr.Offset, Reason: fr.Type.String() + " payload: " + err.Error(), Err: format.ErrChecksum}
		}
	default:
		// A data frame type this ReaderAt cannot decode yet: a type added
		// to the format needs a case here as in the Reader.
		return nil, &format.CorruptInputError{Offset: fr.Offset, Reason: fmt.Sprintf("%v frame: random access cannot decode it", fr.Type), Err: format.ErrFrameType}
	}
	if err := fr.Verify(out); err != nil {
		return nil, err
	}
	return out, nil
}

func (z *ReaderAt) decodeChunk(m *atMember, fr *format.Frame) ([]byte, error) {
	// The Reader's bound on work per payload byte (WithDecoderMaxRatio).
	if fr.Records > 1 && fr.DecodedLen/z.o.maxRatio > int64(len(fr.Payload)) {
		return nil, &format.CorruptInputError{Offset: fr.Offset, Err: format.ErrLimit,
			Reason: fmt.Sprintf("chunk frame claims %d bytes from a payload of %d, more than the limit of %d per byte (WithDecoderMaxRatio)", fr.DecodedLen, len(fr.Payload), z.o.maxRatio)}
	}
	m.once.Do(func() {
		m.model, m.modelErr = archiveModel(m.Header, &z.o)
		if m.modelErr != nil {
			return
		}
		var slots int
		slots, m.scratch = coderSlots(m.model, m.Header.Lanes, cap(z.sem), z.o.maxMemory)
		m.coders = make(chan *chunkCoder, slots)
		for range slots {
			m.coders <- nil // made on first use
		}
	})
	if m.modelErr != nil {
		return nil, m.modelErr
	}
	if err := scratchError(fr, m.Header.ModelName, m.Header.Lanes, m.scratch, z.o.maxMemory); err != nil {
		return nil, err
	}
	c := <-m.coders
	if c == nil {
		c = newChunkCoder(m.model, m.Header.Lanes)
	}
	defer func() { m.coders <- c }()
	out := make([]byte, fr.DecodedLen)
	z.decodes.Add(1)
	if err := c.decode(out, fr.Payload); err != nil {
		return nil, &format.CorruptInputError{Offset: fr.Offset, Reason: "chunk payload: " + err.Error(), Err: format.ErrChecksum}
	}
	return out, nil
}
