package vae

// builtinTraceDigests pins the coding probabilities of the built-in
// models on the first 300 MNIST test images (threshold-binarized for
// mnist-bin); see TestSameIntegersOnEveryLevel. Replacing a built-in model
// changes its digest.
var builtinTraceDigests = map[string]string{
	"mnist-bin": "18b02adb5daa3eaae38258171ab347700955823621a541cfdb8d4a560d4b150e",
	"mnist":     "e26963ad086b2436813f9c13664a42a1b6a40ec88cee4eb81aec4f6f150ca591",
}
