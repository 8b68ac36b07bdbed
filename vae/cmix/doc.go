// Package cmix is an adaptive context-mixing model for fixed-shape records
// of bytes (width × height × channels, channels interleaved): it gives the
// probability of each binary decision of a record from counts kept in
// hashed contexts of the record's already-coded neighbours, mixed by
// logistic mixers and refined by an adaptive probability map, and it
// learns (counts, weights, maps) from every decision it codes.
//
// The model is the design of lpaq and paq8px's image models (Mahoney et
// al.) for records: a Model holds the state reached by running over the
// training records (priming), and a Coder starts every chunk of records
// from that state and adapts in the order the records are met. Every
// probability comes from integer arithmetic, so an encoder and a decoder
// on any CPU compute the same ones.
//
// Bytes are coded as indices into the model's levels (the distinct byte
// values of the training records): index 0 is one decision ("is it 0"),
// any other index v is that decision, then the bits of v-1 from the most
// significant, as a walk down a binary tree.
package cmix
