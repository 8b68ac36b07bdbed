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
// The arithmetic has versions, stored in the model (SPEC.md section 3.6):
// version 1 as first built, kept so that its models and archives decode;
// version 2 adds a linear predictor fitted to the training records (its
// prediction and its errors at the neighbours as contexts, the earlier
// channels of a pixel among its inputs), counters that check which
// context they belong to, a confidence input per context, a fourth mixer
// and a third map; version 3 adds direct maps: for
// each of dozens of predictors (gradients, extrapolations, the fitted
// prediction corrected by its errors, for colour the earlier channel's
// step carried over) an adaptive table of how the decision goes given how
// far the prediction lies from the decision's split, whatever the level,
// and selects mixers by channel; version 4, which new models get, adds an
// online least-squares predictor per channel, refitted at every pixel
// from the record's coded pixels (integer LDLᵀ), as direct maps, two
// mixers selected by where the predictions lie from the split, their
// outputs mixed with the others' by the final mixer, and two more maps.
//
// Bytes are coded as indices into the model's levels (the distinct byte
// values of the training records): index 0 is one decision ("is it 0"),
// any other index v is that decision, then the bits of v-1 from the most
// significant, as a walk down a binary tree.
package cmix
