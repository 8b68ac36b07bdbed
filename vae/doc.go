// Package vae is the variational auto-encoder behind bbans: dataset readers,
// float training, quantisation to a deterministic integer model, the model
// file, and the integer model as the latent-variable model that bits-back
// coding needs.
//
// The model is the one of BB-ANS (Townsend, Bird & Barber, "Practical
// lossless compression with latent variables using bits back coding",
// ICLR 2019): an encoder q(y|s) from a record to a diagonal Gaussian over
// d latents, a decoder p(s|y) from the latents to an independent
// likelihood per byte of the record (Bernoulli for binarized records, a
// discretised logistic mixture for bytes), and a standard normal prior
// discretised into 2^k buckets of equal prior mass (package ans).
//
// Everything that decides a probability handed to the coder is integer or
// fixed-point arithmetic: int8 weights, uint8 activations, int32
// accumulators (package simd), requantisation by multiply and shift, and
// lookup tables stored in the model file. Floats appear only in training
// and in reports. SPEC.md section 2 specifies the data conventions
// (binarization of MNIST) and section 3 the model file.
package vae
