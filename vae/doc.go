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
// Beyond the paper, the likelihood can see the pixels already coded:
// BernoulliAR and LogisticAR refine the decoder's per-byte parameters with
// causal neighbours, trained jointly with the nets (ar_bernoulli.go,
// ar_logistic.go), and ContextMix codes each byte as binary decisions
// whose probabilities mix context-count tables over up to nine causal
// neighbours with the decoder's logits (cm.go, built by BuildContextMix on
// top of a trained BernoulliAR model). Encoding computes every
// probability at once; decoding is sequential in raster order.
//
// Everything that decides a probability handed to the coder is integer or
// fixed-point arithmetic: int8 weights, uint8 activations, int32
// accumulators (package simd), requantisation by multiply and shift, and
// lookup tables stored in the model file. Floats appear only in training
// and in reports. SPEC.md section 2 specifies the data conventions
// (binarization of MNIST) and section 3 the model file.
package vae
