package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

// Shapes in compress: the input's shape comes from its IDX header (n x h x
// w or n x h x w x c) or from --shape; when the model that would code it
// has another shape, compress warns and codes the records without the
// model (the writer's general codec, or stored frames) instead of reading
// them as images they are not (shapeFallback).

// idxInputShape returns the record shape of an input that starts with an
// IDX header of three or four dimensions, peeking at br.
func idxInputShape(br *bufio.Reader) dataset.Shape {
	b, _ := br.Peek(4 + 4*4)
	if len(b) < 4 || b[0] != 0 || b[1] != 0 || b[2] != 8 || b[3] < 3 || b[3] > 4 || len(b) < 4+4*int(b[3]) {
		return dataset.Shape{}
	}
	dims := make([]int, b[3])
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(b[4+4*i:]))
	}
	return dataset.IDXShape(dims)
}

// storedModel is a model whose records are all escaped: the stream writes
// them with its general codec or stored, named by the model but not coded
// by it.
type storedModel struct{ stream.Model }

func (storedModel) Codable([]byte) bool { return false }

// modelShape returns the shape of a stream model that package vae knows.
func modelShape(m stream.Model, vm *vae.Model) (dataset.Shape, bool) {
	if vm == nil {
		var err error
		if vm, err = vae.Builtin(m.Name()); err != nil || vm.Hash() != m.Hash() {
			return dataset.Shape{}, false
		}
	}
	return vm.Arch.RecordShape(), true
}

// shapeFallback decides how compress codes an input of shape given (from
// --shape; an IDX header in br overrides it if idx): nil to code as usual, or a
// model to code with instead, after a warning on stderr, when the model
// (sm and vm, or with sm nil the models the Writer would choose from) has
// another shape.
func shapeFallback(stderr io.Writer, br *bufio.Reader, idx bool, label string, given dataset.Shape, sm stream.Model, vm *vae.Model) stream.Model {
	in := given
	if s := idxInputShape(br); idx && !s.IsZero() {
		in = s
	}
	if in.IsZero() {
		return nil
	}
	if sm != nil {
		s, ok := modelShape(sm, vm)
		if !ok || s == in {
			return nil
		}
		fmt.Fprintf(stderr, "bbans: %s: warning: records of shape %v, model %s is for %v: not coding them with it, as images they are not\n", label, in, sm.Name(), s)
		return storedModel{sm}
	}
	var first stream.Model
	for _, m := range stream.Models() {
		if s, ok := modelShape(m, nil); ok && s == in {
			return nil // the Writer chooses among the models of the size
		}
		if first == nil && m.RecordSize() == in.Size() {
			first = m
		}
	}
	if first == nil {
		if ms := stream.Models(); len(ms) > 0 {
			first = ms[0]
		} else {
			return nil
		}
	}
	fmt.Fprintf(stderr, "bbans: %s: warning: records of shape %v, and no model is for that shape (see 'bbans models'): not coding them with a model\n", label, in)
	return storedModel{first}
}
