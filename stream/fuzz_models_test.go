package stream

import (
	"sync"
	"testing"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
	"github.com/bbans/bbans/vae/train"
)

// Fuzzing reaches many inputs only with cheap models: the toy model and
// untrained vae models over 16-byte records, one per likelihood family that
// needs no big tables (Bernoulli, logistic mixture, autoregressive
// logistic). Built once per process.
var fuzzModels = sync.OnceValue(func() []Model {
	ms := []Model{toy}
	for _, c := range []struct {
		lik vae.Likelihood
		K   int
	}{{vae.Bernoulli, 1}, {vae.Logistic, 2}, {vae.LogisticAR, 2}} {
		a := vae.Arch{RecordSize: 16, Likelihood: c.lik, Components: c.K, EncHidden: []int{8}, Latent: 2, DecHidden: []int{6}}
		f, err := train.NewFloatModel(a, 1)
		if err != nil {
			panic(err)
		}
		cal := &dataset.Dataset{RecordSize: 16, Data: make([]byte, 16*32)}
		for i := range cal.Data {
			cal.Data[i] = byte(i * 7 % 2)
			if c.lik != vae.Bernoulli {
				cal.Data[i] = byte(i * 37)
			}
		}
		m, err := train.Quantize(f, train.QuantizeConfig{Calibration: cal, Description: "fuzz"})
		if err != nil {
			panic(err)
		}
		ms = append(ms, FromVAE(m))
	}
	return ms
})

// fuzzArchives are seeds for FuzzReader: small archives of each fuzz model,
// with chunks, stored chunks, escapes and tails; the archive of model 1
// embeds it.
func fuzzArchives(t testing.TB) [][]byte {
	var out [][]byte
	for i, m := range fuzzModels() {
		size := m.RecordSize()
		data := make([]byte, 0, 12*size)
		for r := range 10 {
			for j := range size {
				data = append(data, byte((r*j)%2))
			}
		}
		data[size+3] = 9 // an escape, for the binarized models
		data = append(data, randomBytes(size, uint64(i))...)
		data = append(data, 1, 0)
		opts := []WOption{WithModel(m), WithChunkRecords(4), WithLanes(2)}
		if i == 1 {
			opts = append(opts, WithEmbeddedModel(true))
		}
		a, err := EncodeAll(data, nil, opts...)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}
