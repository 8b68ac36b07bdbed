// Package ans implements the coder of bits-back with asymmetric numeral
// systems (BB-ANS; Townsend, Bird & Barber, "Practical lossless compression
// with latent variables using bits back coding", ICLR 2019).
//
// The central type is [Message]: a range-variant ANS (rANS) state that behaves
// as a stack. Pushing a symbol with probability freq/2^prec grows the message
// by about log2(2^prec/freq) bits; popping with the same distribution takes the
// symbol back off and restores the message exactly. Because pops can be made
// with any distribution, a message is also a source of "random" bits, which is
// what bits-back coding needs: to code a record s with a latent-variable model,
// [Encode] pops a latent y with the posterior q(y|s), then pushes s with the
// likelihood p(s|y) and y with the prior p(y). The net growth is the negative
// ELBO, -log p(s|y) - log p(y) + log q(y|s). [Decode] runs the steps backwards.
//
// A message has L lanes: L independent rANS heads that share one tail of
// 32-bit words (as in craystack), so that L bits-back chains can run in
// lockstep and a model can evaluate its networks on L records at a time.
//
// Arithmetic follows rANS with a 64-bit state and 32-bit renormalisation
// (Duda 2013; Giesen's ryg_rans rans64.h): each head lies in [2^31, 2^63).
// All arithmetic is on integers, so a message decodes identically on every
// machine. Popping from an empty message is defined (see [Message] and
// SPEC.md section 1), so a chain can start from nothing.
//
// Codecs over the primitive operations: [Uniform], [Categorical], the
// Bernoulli vector functions [PushBernoulli] and [PopBernoulli], and
// [GaussianBuckets] for a diagonal-Gaussian latent discretised into buckets of
// equal prior mass. Their hot loops take whole vectors so that coding a
// record of hundreds of symbols costs no interface call and no allocation.
package ans
