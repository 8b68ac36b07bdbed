package stream

import (
	"container/list"
	"fmt"
	"sync"
)

// WithChunkCache sets how many bytes of decoded chunks a ReaderAt keeps,
// so that reads near each other decode a chunk once: the least recently
// used chunks are dropped beyond it. 0 keeps none (every read decodes what
// it needs; concurrent reads of one chunk still share one decode). Default:
// a quarter of the memory bound (WithDecoderMaxMemory), which is also the
// most it may be. Readers other than ReaderAt ignore it.
func WithChunkCache(n int64) ROption {
	return func(o *rOptions) error {
		if n < 0 {
			return fmt.Errorf("stream: chunk cache of %d bytes", n)
		}
		o.cacheBytes = n
		return nil
	}
}

// chunkCache holds decoded frames of a ReaderAt by frame number, bounded
// in bytes, least recently used first out. A frame being decoded has an
// entry that others wait on (done), so concurrent readers of one frame
// decode it once; it is counted once it is done.
type chunkCache struct {
	mu      sync.Mutex
	max     int64
	used    int64
	entries map[int]*cacheEntry
	lru     list.List // of done entries, most recent at the front
}

type cacheEntry struct {
	k    int
	data []byte
	err  error
	done chan struct{}
	elem *list.Element // in lru, once done and kept
}

func (c *chunkCache) init(max int64) {
	c.max = max
	c.entries = map[int]*cacheEntry{}
}

// get returns frame k's entry. owner is true when the caller must decode
// the frame and call finish; otherwise it waits on the entry's done.
func (c *chunkCache) get(k int) (e *cacheEntry, owner bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[k]; e != nil {
		if e.elem != nil {
			c.lru.MoveToFront(e.elem)
		}
		return e, false
	}
	e = &cacheEntry{k: k, done: make(chan struct{})}
	c.entries[k] = e
	return e, true
}

// finish publishes the outcome of decoding frame k and keeps the content
// if it fits. Errors are not kept: a later read tries again (the input may
// have been a file being read over a flaky mount).
func (c *chunkCache) finish(k int, e *cacheEntry, data []byte, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.data, e.err = data, err
	close(e.done)
	if err != nil || int64(len(data)) > c.max {
		delete(c.entries, k)
		return
	}
	e.elem = c.lru.PushFront(e)
	c.used += int64(len(data))
	for c.used > c.max {
		old := c.lru.Remove(c.lru.Back()).(*cacheEntry)
		delete(c.entries, old.k)
		c.used -= int64(len(old.data))
	}
}
