package stream

import (
	"encoding/binary"

	"github.com/bbans/bbans/format"
)

// How the Writer decides its header, so that the archive is a function of
// the input and the options alone (never of the concurrency, or of which
// worker finished first), and so that an archive is at most 0.1% + 64
// bytes larger than its input.
//
// The header either names the model, or names none (SPEC.md section 4.2,
// flag bit 1) and then holds no chunk frame. Naming the model costs its name
// and hash (33 to 97 bytes); naming none forbids coding. The Writer holds
// the coded chunks of the first decideBytes of records (at least one chunk)
// and decides on them:
//
//   - if more chunks follow, the header names the model iff one of them was
//     coded (its identity is then under 0.1% of the input);
//   - if the input ends within them, the header names the model iff the
//     archive comes out smaller that way (coded frames against all of the
//     records stored; an embedded model's bytes are not counted);
//   - a Flush before the decision names the model (records may follow that
//     it codes).
//
// An archive that names no model stores every chunk without coding it, and
// merges runs of stored records into frames of up to storeBytes: its
// header's chunk_records is raised to allow that (it bounds no chunk frame
// there), so that the per-frame overhead stays under 0.1% for every chunk
// size. An archive that names its model and is decided before its input
// ends (more chunks follow, or a Flush) may go on to store many chunks
// (records the model cannot code); if its chunks are shorter than
// mergeBytes, its chunk_records is raised to mergeBytes of records (chunk
// frames keep the chunk size the Writer was given: a frame holds 1 to
// chunk_records records) and runs of stored chunks are merged the same way.
// Where runs are merged, a coded frame is written only if it saves more
// than its frame header and the header of the stored frame it may
// interrupt (runHeader); otherwise its records join the run. Every frame
// then either pays for its header or shares one with at least mergeBytes
// of records. (An archive decided at its end names the model only if that
// makes it smaller than the archive that names none, which keeps the
// bound.)
const (
	decideBytes = 128 << 10
	storeBytes  = 1 << 20
	mergeBytes  = 64 << 10
)

// decideChunks is how many chunks the header decision looks at.
func (z *Writer) decideChunks() int {
	return max(1, (decideBytes+z.chunkBytes-1)/z.chunkBytes)
}

// decideIfKnown decides the header once the held chunks settle it: when the
// first k are done and a later one has been submitted, or when the input
// ended. Whatever the concurrency, the same chunks decide the same way; only
// when the decision is taken differs.
func (z *Writer) decideIfKnown() error {
	k := z.decideChunks()
	if len(z.pending) >= k && len(z.jobs) > 0 { // a later chunk exists
		coded := false
		for _, j := range z.pending[:k] {
			coded = coded || j.coded()
		}
		return z.decide(coded)
	}
	if z.closing && z.allSubmitted && len(z.jobs) == 0 {
		return z.decide(z.modelPays())
	}
	return nil
}

// general reports whether the job's frame is a general-codec frame.
func (j *encJob) general() bool {
	return len(j.frames) == 1 && j.frames[0].Type.IsGeneral()
}

// coded reports whether any of the job's frames is a chunk frame.
func (j *encJob) coded() bool {
	for i := range j.frames {
		if j.frames[i].Type == format.Chunk {
			return true
		}
	}
	return false
}

// modelPays reports whether the held chunks, the whole input, make a smaller
// archive as coded under a header that names the model than stored under
// one that names none.
func (z *Writer) modelPays() bool {
	if z.hdr.NoModel || len(z.pending) == 0 {
		return false
	}
	with, records := 0, 0
	for _, j := range z.pending {
		with += j.size()
		records += len(j.data) / z.recordSize
	}
	without := 0
	per := z.noModelHeader(records).ChunkRecords
	for records > 0 {
		n := min(records, per)
		without += frameLen(n, n*z.recordSize)
		records -= n
	}
	// An embedded model is what the caller asked for, not a cost to weigh.
	h := z.hdr
	h.Model, h.CompressModel = nil, false
	hw, _ := format.AppendHeader(nil, &h)
	nh := z.noModelHeader(0)
	hn, _ := format.AppendHeader(nil, &nh)
	return len(hw)+with < len(hn)+without
}

// frameLen is the length of a stored frame of n records and size bytes.
func frameLen(n, size int) int {
	return 1 + uvarintLen(n) + 2*uvarintLen(size) + 6 + size
}

func uvarintLen(v int) int {
	var b [binary.MaxVarintLen64]byte
	return binary.PutUvarint(b[:], uint64(v))
}

// noModelHeader is the header of an archive that names no model; records,
// if not 0, is all the archive holds, which its stored frames need not
// exceed.
func (z *Writer) noModelHeader(records int) format.Header {
	chunk := z.chunkBytes / z.recordSize
	per := max(chunk, (storeBytes+z.recordSize-1)/z.recordSize)
	if records > 0 {
		per = max(chunk, min(per, records))
	}
	per = min(per, format.MaxChunkRecords)
	return format.Header{NoModel: true, RecordSize: z.recordSize, ChunkRecords: per, Lanes: z.hdr.Lanes}
}

// decide writes the header, naming the model if model is set (and there is
// one), then the IDX header's raw frame and the chunks held so far.
func (z *Writer) decide(model bool) error {
	ended := z.closing && z.allSubmitted && len(z.jobs) == 0
	if !model || z.hdr.NoModel {
		records := 0
		if ended {
			for _, j := range z.pending {
				records += len(j.data) / z.recordSize
			}
		}
		z.hdr = z.noModelHeader(records)
		z.storeOnly, z.merge = true, true
	} else if !ended && z.chunkBytes < mergeBytes {
		z.hdr.ChunkRecords = min((mergeBytes+z.recordSize-1)/z.recordSize, format.MaxChunkRecords)
		z.merge = true
	}
	if z.merge {
		per := z.hdr.ChunkRecords
		z.runHeader = frameLen(per, per*z.recordSize) - per*z.recordSize
	}
	b, err := format.AppendHeader(z.out[:0], &z.hdr)
	if err != nil {
		z.err = err
		return err
	}
	z.started = true
	z.index.start(len(b))
	if err := z.writeOut(b); err != nil {
		return err
	}
	if z.raw != nil {
		raw := z.raw
		z.raw = nil
		if err := z.writeFrame(&format.Frame{Type: format.Raw, DecodedLen: int64(len(raw)), CRC: format.Checksum(raw), Payload: raw}); err != nil {
			return err
		}
	}
	pending := z.pending
	z.pending = nil
	for i, j := range pending {
		pending[i] = nil
		if err := z.emit(j); err != nil {
			return err
		}
	}
	return nil
}

// emit writes a finished chunk after the header: its frames as coded, or,
// where runs of stored records are merged, its records into the stored run.
func (z *Writer) emit(j *encJob) error {
	defer func() { z.free = append(z.free, j.data[:0]) }()
	if z.merge && !z.keeps(j) {
		per := z.hdr.ChunkRecords * z.recordSize
		if z.run == nil {
			z.run = z.bufOf(per) // not grown by append, which leaves copies behind
		}
		for p := j.data; len(p) > 0; {
			take := min(per-len(z.run), len(p))
			z.run = append(z.run, p[:take]...)
			p = p[take:]
			if len(z.run) == per {
				if err := z.flushRun(); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := z.flushRun(); err != nil { // a coded frame after stored records
		return err
	}
	out := j.out
	for i := range j.frames {
		f := &j.frames[i]
		if err := z.writeBytes(out[:j.lens[i]]); err != nil {
			return err
		}
		out = out[j.lens[i]:]
		if err := z.writeBytes(f.Payload); err != nil { // a stored frame's
			return err
		}
		z.totals.Add(f)
		z.coding.add(f)
		z.index.add(f, j.lens[i]+len(f.Payload))
		z.doneIn.Add(f.DecodedLen)
	}
	return nil
}

// keeps reports whether a finished chunk of an archive that merges stored
// runs is written as coded: if it is coded (chunk frames only where the
// header names the model: those coded before an undecided header are
// stored otherwise) and its frames are shorter than its records by at
// least the header of a stored frame of the run.
func (z *Writer) keeps(j *encJob) bool {
	if !j.general() && (z.storeOnly || !j.coded()) {
		return false
	}
	return j.size()+z.runHeader <= len(j.data)
}

// flushRun writes the stored run as one frame.
func (z *Writer) flushRun() error {
	if len(z.run) == 0 {
		return nil
	}
	run := z.run
	z.run = z.run[:0]
	return z.writeFrame(&format.Frame{
		Type:       format.Stored,
		Records:    int64(len(run) / z.recordSize),
		DecodedLen: int64(len(run)),
		CRC:        format.Checksum(run),
		Payload:    run,
	})
}
