package vae

// builtinTraceDigests pins the coding probabilities of the built-in
// models on the first 300 MNIST test images (threshold-binarized for
// mnist-bin; the first traceCMixImages for mnist-cmix); see
// TestSameIntegersOnEveryLevel. Replacing a built-in model changes its
// digest.
// traceCMixImages is how many images the digest of a cmix model covers.
const traceCMixImages = 30

var builtinTraceDigests = map[string]string{
	"mnist-bin":     "18b02adb5daa3eaae38258171ab347700955823621a541cfdb8d4a560d4b150e",
	"mnist":         "e26963ad086b2436813f9c13664a42a1b6a40ec88cee4eb81aec4f6f150ca591",
	"mnist-bin-ar":  "71b26433095e37592848ea5977e3e9780698fcb878cdd75ce382cd25eed44021",
	"mnist-ar":      "1f8fe7f78dfe4b551a12fa3f210ada60789a24c8b4cb933cc40bb6a0c6a6dc21",
	"mnist-cm":      "d7b5719bb3d853160e8e4b35c58598a5c28f79fb3392b11470d0374879c1b737",
	"mnist-bin-cm":  "a9f5a9bf17908ce73264fe0a8913b8de65940959ca18e4db46d8c7ef2152ddd7",
	"mnist-bin-cm2": "6b14855bf619f5bf1a4df60fd9f43a32cfef543783809d133aace9b9832e05d7",
	"mnist-cmix":    "97bbea74fd97dea3510ce67b45d30f83affd2e9b563b5f9db106cd3ae51c72a7",
}
