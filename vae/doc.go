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
// Each likelihood p(s|y) is a Family registered once with
// RegisterLikelihood (likelihood.go says what a family provides: its
// decoder outputs per byte, its section of the model file, its integer
// coder, optionally a float training path), in its own files:
//
//	bernoulli.go       Bernoulli: one logit per byte, bytes 0 and 1
//	logistic.go        Logistic: a discretised logistic mixture per byte
//	ar_bernoulli.go    BernoulliAR: Bernoulli refined by ten causal neighbours
//	ar_logistic.go     LogisticAR: the mixture moved by causal neighbours
//	cm.go, cm_file.go  ContextMix: binary decisions mixed from context counts
//	                   and the decoder's logits (built by BuildContextMix,
//	                   cm_train.go, on a trained BernoulliAR model)
//
// No other code asks which likelihood a model has. A likelihood may have
// no nets (a pure context model, Arch.Latent 0) and may adapt within a
// chunk (ChunkStarter). Encoding computes every probability of a record
// at once; decoding is sequential in raster order.
//
// Everything that decides a probability handed to the coder is integer or
// fixed-point arithmetic: int8 weights, uint8 activations, int32
// accumulators (package simd), requantisation by multiply and shift, and
// lookup tables stored in the model file. Floats appear only in training
// and in reports. SPEC.md section 2 specifies the data conventions
// (binarization of MNIST) and section 3 the model file.
package vae
