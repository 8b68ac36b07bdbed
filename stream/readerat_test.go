package stream

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/bbans/bbans/format"
	"github.com/bbans/bbans/vae/dataset"
)

func openAt(t testing.TB, a []byte, opts ...ROption) *ReaderAt {
	t.Helper()
	z, err := NewReaderAt(bytes.NewReader(a), int64(len(a)), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// checkReaderAt compares everything a ReaderAt gives with the content
// sequential decoding gives: the whole, pieces at random offsets, and
// every record (record size rs, the content's records starting at
// recordsAt; a tail after them is not a record).
func checkReaderAt(t *testing.T, z *ReaderAt, want []byte, rs int, recordsAt int) {
	t.Helper()
	if z.Size() != int64(len(want)) {
		t.Fatalf("Size %d, want %d", z.Size(), len(want))
	}
	got := make([]byte, len(want)+10)
	n, err := z.ReadAt(got, 0)
	if n != len(want) || err != io.EOF || !bytes.Equal(got[:n], want) {
		t.Fatalf("ReadAt of everything: %d bytes, %v; equal %v", n, err, bytes.Equal(got[:n], want))
	}
	r := rand.New(rand.NewPCG(uint64(len(want)), 1))
	for range 50 {
		off := r.IntN(len(want) + 1)
		p := make([]byte, r.IntN(3*rs))
		n, err := z.ReadAt(p, int64(off))
		wn := min(len(p), len(want)-off)
		if n != wn || !bytes.Equal(p[:n], want[off:off+wn]) || (n < len(p)) != (err == io.EOF) || (err != nil && err != io.EOF) {
			t.Fatalf("ReadAt(%d bytes, %d): %d bytes, %v", len(p), off, n, err)
		}
	}
	records := int64((len(want) - recordsAt) / rs)
	if z.Records() != records {
		t.Fatalf("Records %d, want %d", z.Records(), records)
	}
	for i := range records {
		rec, err := z.Record(i)
		if err != nil || !bytes.Equal(rec, want[recordsAt+int(i)*rs:recordsAt+int(i+1)*rs]) {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	if records > 2 {
		got, err := z.AppendRecords([]byte("x"), 1, records-1)
		if err != nil || !bytes.Equal(got[1:], want[recordsAt+rs:recordsAt+int(records-1)*rs]) || got[0] != 'x' {
			t.Fatalf("records 1:%d: %v", records-1, err)
		}
	}
	if records > 0 {
		idx := make([]int64, 20)
		var wantBatch []byte
		for j := range idx {
			idx[j] = r.Int64N(records)
			wantBatch = append(wantBatch, want[recordsAt+int(idx[j])*rs:recordsAt+int(idx[j]+1)*rs]...)
		}
		got, err := z.AppendBatch([]byte("y"), idx)
		if err != nil || !bytes.Equal(got[1:], wantBatch) || got[0] != 'y' {
			t.Fatalf("batch %v: %v", idx, err)
		}
		if _, err := z.AppendBatch(nil, []int64{0, records}); err == nil {
			t.Fatalf("batch past the end: no error")
		}
	}
	if _, err := z.AppendRecords(nil, 0, records+1); err == nil {
		t.Fatalf("records past the end: no error")
	}
}

// TestReaderAtGolden opens every golden archive, those written before the
// index and those with one, for random access.
func TestReaderAtGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.bbans"))
	if err != nil || len(files) < 10 {
		t.Fatalf("golden archives: %v, %d", err, len(files))
	}
	indexed := 0
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			a, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			want, err := DecodeAll(a, nil)
			if err != nil {
				t.Fatal(err)
			}
			z := openAt(t, a)
			if n, _ := z.Indexed(); n > 0 {
				indexed++
			}
			recordsAt := 0
			if _, _, need := idxHeader(want); need == 0 && bytes.HasPrefix(want, []byte{0, 0, 8, 3}) {
				recordsAt = 16
			}
			checkReaderAt(t, z, want, z.Members()[0].Header.RecordSize, recordsAt)
		})
	}
	if indexed < 2 {
		t.Errorf("%d golden archives were read through an index, want at least 2", indexed)
	}
}

// TestReaderAtConcatenated reads inputs of several archives: with and
// without an index, of two models, IDX-aligned, with tails and stored
// chunks, in every order.
func TestReaderAtConcatenated(t *testing.T) {
	thr := mnistSlice(t, 0, 16, dataset.Threshold)
	thr[5*784+9] = 4 // an escape
	eight := append(mnistSlice(t, 30, 36, dataset.None), 7, 7)
	idx := append([]byte{0, 0, 8, 3, 0, 0, 0, 7, 0, 0, 0, 28, 0, 0, 0, 28}, mnistSlice(t, 42, 49, dataset.Threshold)...)
	copy(idx[16+4*784:], randomBytes(2*784, 3))
	type part struct {
		data []byte
		opts []WOption
	}
	parts := []part{
		{thr, []WOption{WithChunkRecords(5), WithLanes(2)}},
		{eight, []WOption{WithChunkRecords(4), WithIndex(false)}},
		{idx, []WOption{WithChunkRecords(2)}},
		{thr[:3*784], []WOption{WithChunkRecords(10)}},            // one frame: no index
		{pseudoText(40*784+9, 4), []WOption{WithChunkRecords(4)}}, // general-codec frames of several chunks
	}
	// From the last archive back, each with an index is read through it;
	// the rest are walked.
	orders := [][]int{{0, 1, 2, 3}, {1, 0}, {2, 0, 1}, {3, 2, 1, 0}, {0, 0}, {1, 2, 0}, {4, 0, 4}}
	wantIndexed := []int{0, 1, 0, 1, 2, 2, 3}
	archives := make([][]byte, len(parts))
	for i, p := range parts {
		var err error
		if archives[i], err = EncodeAll(p.data, nil, p.opts...); err != nil {
			t.Fatal(err)
		}
	}
	if ts := frameTypes(t, archives[4]); !slices.ContainsFunc(ts, format.FrameType.IsGeneral) {
		t.Fatalf("text archive: frames %v, want general-codec frames", ts)
	}
	for o, order := range orders {
		var a, want []byte
		records := 0
		for _, i := range order {
			p := parts[i]
			a = append(a, archives[i]...)
			want = append(want, p.data...)
			records += len(p.data) / 784
		}
		z := openAt(t, a)
		if z.Records() != int64(records) {
			t.Fatalf("order %v: %d records, want %d", order, z.Records(), records)
		}
		if n, all := z.Indexed(); all != len(order) || n != wantIndexed[o] {
			t.Fatalf("order %v: %d of %d archives read through an index, want %d of %d", order, n, all, wantIndexed[o], len(order))
		}
		got := make([]byte, len(want))
		if _, err := z.ReadAt(got, 0); err != nil && err != io.EOF || !bytes.Equal(got, want) {
			t.Fatalf("order %v: content differs (%v)", order, err)
		}
		// Records skip the IDX header and the tail bytes: compare with
		// the records of each part in turn.
		var recs []byte
		for _, i := range order {
			d := parts[i].data
			if i == 2 {
				d = d[16:]
			}
			recs = append(recs, d[:len(d)/784*784]...)
		}
		all2, err := z.AppendRecords(nil, 0, z.Records())
		if err != nil || !bytes.Equal(all2, recs) {
			t.Fatalf("order %v: records differ (%v)", order, err)
		}
	}
}

// TestReaderAtConcurrent reads from 8 goroutines at once, with a cache
// smaller than the archive so that chunks are decoded, dropped and decoded
// again while others read them: every read must equal sequential decoding.
// CI runs it under -race.
func TestReaderAtConcurrent(t *testing.T) {
	data := toyRecords(toy, 600, 0, 5)
	a := encodeToy(t, data, WithChunkRecords(40))
	want := decodeToy(t, a)
	for _, cache := range []int64{0, 3 * 40 * toySize, 1 << 30} {
		z := openAt(t, a, WithModels(toy), WithChunkCache(cache), WithDecoderConcurrency(3))
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(g), 9))
				for range 25 {
					off := r.IntN(len(want))
					p := make([]byte, r.IntN(200*toySize))
					n, err := z.ReadAt(p, int64(off))
					if (err != nil && err != io.EOF) || !bytes.Equal(p[:n], want[off:off+n]) || n != min(len(p), len(want)-off) {
						errs <- errors.New("concurrent ReadAt differs from sequential decoding")
						return
					}
					i := r.Int64N(z.Records())
					rec, err := z.Record(i)
					if err != nil || !bytes.Equal(rec, want[i*toySize:(i+1)*toySize]) {
						errs <- errors.New("concurrent Record differs from sequential decoding")
						return
					}
					idx := []int64{r.Int64N(z.Records()), r.Int64N(z.Records()), i}
					batch, err := z.AppendBatch(nil, idx)
					for j, i := range idx {
						if err != nil || !bytes.Equal(batch[j*toySize:(j+1)*toySize], want[i*toySize:(i+1)*toySize]) {
							errs <- errors.New("concurrent AppendBatch differs from sequential decoding")
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("cache %d: %v", cache, err)
		}
		if z.cache.used > z.cache.max {
			t.Errorf("cache holds %d bytes, bound %d", z.cache.used, z.cache.max)
		}
	}
}

// TestReaderAtOneChunkPerRecord reads random records of the 10,000 MNIST
// test images (2,000 with -short), threshold-binarized, written with the
// default options: each must decode at most one chunk, exactly one with
// no cache, and a record read again from the cache none.
func TestReaderAtOneChunkPerRecord(t *testing.T) {
	n, reads := 10000, 30
	if testing.Short() {
		n, reads = 1200, 4 // CI's -race run is -short: two chunks
	}
	data := mnistSlice(t, 0, n, dataset.Threshold)
	a, err := EncodeAll(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, cache := range []int64{0, -1} {
		opts := []ROption{}
		if cache >= 0 {
			opts = append(opts, WithChunkCache(cache))
		}
		z := openAt(t, a, opts...)
		if k, _ := z.Indexed(); k != 1 {
			t.Fatal("the default Writer wrote no index")
		}
		r := rand.New(rand.NewPCG(1, 2))
		for range reads {
			i := r.Int64N(int64(n))
			before := z.decodes.Load()
			rec, err := z.Record(i)
			if err != nil || !bytes.Equal(rec, data[i*784:(i+1)*784]) {
				t.Fatalf("record %d: %v", i, err)
			}
			d := z.decodes.Load() - before
			if d > 1 || (cache == 0 && d != 1) {
				t.Fatalf("cache %d: record %d decoded %d chunks", cache, i, d)
			}
			if cache != 0 {
				before = z.decodes.Load()
				if _, err := z.Record(i); err != nil || z.decodes.Load() != before {
					t.Fatalf("record %d read again decoded a chunk", i)
				}
			}
		}
	}
}

// rewriteIndex replaces the index of the (single, indexed) archive a by
// the one edit makes of it, with a valid CRC: a lying index.
func rewriteIndex(t *testing.T, a []byte, edit func(*format.ArchiveIndex)) []byte {
	t.Helper()
	ms, err := format.ReadMembers(bytes.NewReader(a), int64(len(a)), format.Limits{}, 1<<20)
	if err != nil || len(ms) != 1 || ms[0].IndexLen == 0 {
		t.Fatalf("not one indexed archive: %v", err)
	}
	m := ms[0]
	x := &format.ArchiveIndex{HeaderLen: m.HeaderLen}
	for _, f := range m.Frames {
		x.Frames = append(x.Frames, f.IndexEntry)
	}
	edit(x)
	b := format.AppendIndexFrame(bytes.Clone(a[:m.IndexOffset]), x)
	return append(b, a[m.End.Offset:]...)
}

// TestReaderAtLyingIndex gives the ReaderAt indexes that disagree with
// their archive: reading must fail, never give other content.
func TestReaderAtLyingIndex(t *testing.T) {
	data := toyRecords(toy, 100, 0, 5)
	a := encodeToy(t, data, WithChunkRecords(10))
	for name, edit := range map[string]func(*format.ArchiveIndex){
		"frames swapped": func(x *format.ArchiveIndex) { x.Frames[1], x.Frames[2] = x.Frames[2], x.Frames[1] },
		"records moved":  func(x *format.ArchiveIndex) { x.Frames[1].Records++; x.Frames[2].Records-- },
		"overlap":        func(x *format.ArchiveIndex) { x.Frames[1].Len--; x.Frames[2].Len++ },
		"past the end":   func(x *format.ArchiveIndex) { x.Frames[9].Len += 1000 },
		"wrong crc":      func(x *format.ArchiveIndex) { x.Frames[4].CRC++ },
		"wrong count":    func(x *format.ArchiveIndex) { x.Frames = x.Frames[:9] },
		"a frame missing": func(x *format.ArchiveIndex) {
			x.Frames[0].Len += x.Frames[1].Len
			x.Frames = append(x.Frames[:1], x.Frames[2:]...)
		},
	} {
		t.Run(name, func(t *testing.T) {
			b := rewriteIndex(t, a, edit)
			if _, err := DecodeAll(b, nil, WithModels(toy)); err != nil {
				t.Fatalf("the sequential Reader, which skips the index, fails: %v", err)
			}
			z, err := NewReaderAt(bytes.NewReader(b), int64(len(b)), WithModels(toy))
			if err == nil {
				got := make([]byte, len(data))
				n, rerr := z.ReadAt(got, 0)
				if rerr == nil || rerr == io.EOF {
					t.Fatalf("a lying index gave %d bytes (equal %v) and no error", n, bytes.Equal(got[:n], data[:n]))
				}
				err = rerr
			}
			var ce *format.CorruptInputError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a CorruptInputError", err)
			}
		})
	}
}

// TestReaderAtDamage flips every bit of the index and end frame, and a
// byte of each chunk: each is an error or the right content.
func TestReaderAtDamage(t *testing.T) {
	data := toyRecords(toy, 50, 0, 5)
	a := encodeToy(t, data, WithChunkRecords(10))
	ms, err := format.ReadMembers(bytes.NewReader(a), int64(len(a)), format.Limits{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	read := func(b []byte) ([]byte, error) {
		z, err := NewReaderAt(bytes.NewReader(b), int64(len(b)), WithModels(toy))
		if err != nil {
			return nil, err
		}
		got := make([]byte, z.Size())
		_, err = z.ReadAt(got, 0)
		return got, err
	}
	var flips []int
	for i := ms[0].IndexOffset; i < int64(len(a)); i++ {
		flips = append(flips, int(i))
	}
	for _, f := range ms[0].Frames {
		flips = append(flips, int(f.Offset+f.Len-1))
	}
	for _, i := range flips {
		for bit := range 8 {
			b := bytes.Clone(a)
			b[i] ^= 1 << bit
			got, err := read(b)
			if err == nil && !bytes.Equal(got, data) {
				t.Fatalf("flip of bit %d of byte %d: wrong content, no error", bit, i)
			}
		}
	}
}
