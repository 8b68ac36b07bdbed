package stream

// WithEmbeddedModelRaw makes an embedded model (WithEmbeddedModel) go into
// the archive verbatim instead of zstd-compressed (SPEC.md section 4.2).
// Default false: compressed, which readers before the compressed form
// reject as an unsupported version; the verbatim form is what every reader
// decodes. Readers take both forms, bounded by WithDecoderMaxMemory before
// anything is decompressed.
func WithEmbeddedModelRaw(b bool) WOption {
	return func(o *wOptions) error {
		o.rawEmbed = b
		return nil
	}
}
