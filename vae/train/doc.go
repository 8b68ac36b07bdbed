// Package train makes the models of package vae: Train fits a float VAE
// (FloatModel: dense layers, gonum's BLAS, Adam) to a data set by the
// negative ELBO, with a likelihood's float path (vae.Trainable) for
// p(s|y), and Quantize turns it into the deterministic integer vae.Model
// that bbans codes with (int8 weights, calibrated activation scales,
// requantisation multipliers, the likelihood's tables). Nothing that
// decodes an archive needs this package: floats stop here.
//
// Files: train.go (Train, the float NegELBO), float_model.go,
// float_pass.go (forward and backward passes), adam.go, float_io.go (float
// checkpoints), quantize.go. The context-mixing models are built
// elsewhere: BuildContextMix (package vae, on the ContextMix family's
// internals) and package vae/cmix's priming (bbans train).
package train
