// Package bench measures bbans against classic lossless compressors on the
// same data, as `bbans bench` does: compressed size in bits per dimension
// (bits per input byte), compression and decompression speed, and a round
// trip check for every method.
//
// The methods are bbans with its built-in models (beside each model's exact
// negative ELBO, the bits an ideal coder would spend; Townsend, Bird &
// Barber, "Practical lossless compression with latent variables using bits
// back coding", ICLR 2019), classic compressors run in-process from Go
// libraries (gzip, zstd, xz, bzip2), the same compressors' reference tools
// run as processes when they are installed, and JPEG XL lossless (cjxl)
// on all records tiled into one image.
//
// Run does the measuring and returns a Report; Markdown renders its table
// and Plot draws the running compression rate of one bits-back chain (the
// paper's Figure 3) and a bar chart of bits/dim per method.
package bench
