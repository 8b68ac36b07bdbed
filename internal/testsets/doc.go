// Package testsets makes record data that bbans has never seen, to judge
// `bbans train` on: for each kind, a training part to make a model from
// and a test part to compress, sharing no image. Every kind is
// deterministic: the same source files give the same bytes on every
// machine (integer resampling, Go's integer image decoders, SplitMix64).
// The sets are written as IDX files whose header carries the shape
// (n x h x w grey, n x h x w x 3 colour), by `go run
// ./internal/testsets/cmd/mksets -o DIR`; `go run
// ./internal/testsets/cmd/runsets DIR` trains and compresses each and
// prints bits/dim beside JPEG XL, xz and bzip2. The data stays out of git.
//
// The kinds (Kinds), their sources and licences:
//
//   - fashion-16x16, counts-8x8, fashion-small: Fashion-MNIST (Xiao,
//     Rasul & Vollgraf 2017, Zalando SE, MIT licence), from the Debian
//     package dataset-fashion-mnist. Training records come from its
//     training split, test records from its test split. fashion-16x16 is
//     another size (area-averaged to 16x16); counts-8x8 has 17 levels, made
//     as UCI's optdigits was (on-pixels counted in 4x4 blocks of a 32x32
//     bitmap); fashion-small is a set of a few thousand records.
//   - photo-rgb-16x16, photo-grey-32x32: colour and grey tiles of the
//     photographs among scikit-image's sample images (Debian package
//     python3-skimage, skimage/data; it need not be installed, see
//     PhotoPackage): astronaut, rocket and hubble_deep_field (NASA and
//     SpaceX, public domain), chelsea, coffee, camera and retina (CC0),
//     coins (Brooklyn Museum) and ihc (CMMI), both "no known copyright
//     restrictions" in scikit-image's notes. The test tiles come from
//     chelsea and coffee, which no training tile does.
//   - texture-real-32x32: tiles of scikit-image's brick, gravel
//     (CC0Textures, CC0) and grass (CC0) photographs, the bottom quarter
//     of each image for testing.
//   - texture-synth-24x24: procedural textures unlike any photograph or
//     MNIST (synth.go), no licence needed.
package testsets
