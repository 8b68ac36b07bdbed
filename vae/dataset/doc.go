// Package dataset holds records in memory and reads them: a Dataset of
// fixed-size records with their Shape (W x H pixels of C channels,
// channels interleaved per pixel), IDX files (ReadIDX, which gives the
// shape of n x h x w and n x h x w x c files) and raw files (ReadRaw),
// the MNIST images (LoadMNIST, from the GoMNIST module's files, found
// without the Go toolchain: MNISTDir) and Fashion-MNIST (LoadFashionMNIST,
// from the Debian package), and the binarizations of SPEC.md section 2
// (Binarize, Sample, SplitMix64). It depends on nothing else of bbans;
// package vae (which codes records) and package vae/train (which fits
// models to them) use it.
//
// Files: dataset.go (Dataset), shape.go (Shape, ParseShape, LegacyShape),
// idx.go, mnist.go, mnist_module.go, fashion.go, binarize.go.
package dataset
