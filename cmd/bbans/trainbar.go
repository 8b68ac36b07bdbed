package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/bbans/bbans/vae/train"
)

// trainBar is the progress bar of bbans train: the epoch, the batches done
// in it, the running training bits/dim and the speed. It is nil, and its
// methods do nothing, when standard error is not a terminal.
type trainBar struct {
	w     io.Writer
	drawn bool
}

func newTrainBar(e *env) *trainBar {
	if !e.stderrIsTerminal {
		return nil
	}
	return &trainBar{w: e.stderr}
}

func (b *trainBar) draw(p train.Progress) {
	if b == nil || p.Batches == 0 {
		return
	}
	const width = 30
	fill := min(width, p.Batch*width/p.Batches)
	fmt.Fprintf(b.w, "\repoch %d/%d [%s%s] %d/%d batches  train %.4f bits/dim  %.0f rec/s\x1b[K",
		p.Epoch, p.Epochs, strings.Repeat("#", fill), strings.Repeat(".", width-fill), p.Batch, p.Batches,
		p.TrainBPD, p.RecordsPerSec)
	b.drawn = true
}

func (b *trainBar) clear() {
	if b == nil || !b.drawn {
		return
	}
	fmt.Fprint(b.w, "\r\x1b[K")
	b.drawn = false
}
