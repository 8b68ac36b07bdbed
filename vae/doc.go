// Package vae is what decodes an archive: the integer latent-variable
// models bbans codes with (Model, its Coder for the bits-back step of
// package ans), their likelihoods, the model file (ParseModel, SPEC.md
// section 3) and the built-in models. What only trains lives elsewhere:
// package vae/train (the float VAE, Adam, quantisation into a Model) and
// package vae/dataset (records in memory, IDX and raw files, MNIST and
// Fashion-MNIST, binarization, record shapes); package vae/cmix is the
// adaptive context-mixing engine behind the CMix likelihood. Data flows
// one way: stream -> vae -> ans, simd, dataset; train -> vae.
//
// Files: arch.go (architectures), model.go, infer.go (integer nets),
// coder.go (the bits-back coder), eval.go (exact costs, NegELBO),
// likelihood.go (the Family interface and registry), modelfile*.go (the
// file), assemble.go (models from parts: NewModel, Assemble), builtin.go.
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
//	cmix.go            CMix: adaptive context mixing without nets (vae/cmix)
//
// float_likelihood.go holds the Trainable interface (a family's float
// path, which package train drives) and the float pieces the families
// share.
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
// (the families' float paths, package train) and in reports. SPEC.md
// section 2 specifies the data conventions (binarization of MNIST) and
// section 3 the model file.
package vae
