package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
	"github.com/bbans/bbans/vae/train"
)

func init() {
	register(&command{name: "train", summary: "train a VAE on records and write a model file (*.bbm)", run: runTrain})
}

// trainFlags are the options of bbans train. The defaults are those of
// vae/internal/vaetrain, which made the built-in models.
type trainFlags struct {
	data                   string
	recordSize, heldout, n int
	shape                  dataset.Shape
	bin, lik               string
	components, latent     int
	enc, dec               string
	epochs, batch, stop    int
	lr                     float64
	seed                   uint64
	bucketBits             uint
	quantile               float64
	desc, out, floatOut    string
	init, base             string
	threads, countLimit    int
	bcmRecipe              string
	force, dropPartial     bool
}

func runTrain(e *env, args []string) int {
	tf := trainFlags{data: "mnist", heldout: -1, bin: "none", components: 1, latent: 50, enc: "500", dec: "500",
		epochs: 100, batch: 100, lr: 1e-3, seed: 1, bucketBits: 12, quantile: 0.9999, countLimit: int(vae.DefaultBinCMConfig.Limit), bcmRecipe: "mnist-bin-cm2"}
	fs := newFlags(e, "train", "train [DATA|--data mnist|FILE] [--shape WxH[xC]] [--lik L --binarize METHOD --epochs N --seed S arch flags] -o MODEL.bbm")
	stringFlag(fs, &tf.data, "`DATA`: mnist (60,000 training images, the last 10,000 held out) or an IDX or raw file", "data")
	intFlag(fs, &tf.recordSize, "read --data as a raw file of `N`-byte records", "record-size")
	boolFlag(fs, &tf.dropPartial, "with --record-size: leave out a partial record at the end of the file", "drop-partial")
	shapeFlag(fs, &tf.shape, "the records of --data (an IDX file of n x h x w or n x h x w x c gives it); the model keeps it")
	intFlag(fs, &tf.heldout, "hold out the last `N` records for the per-epoch report and model choice (default: 10,000 for mnist, a tenth of a file)", "heldout")
	intFlag(fs, &tf.n, "train on only the first `N` records that are not held out (0: all)", "n")
	stringFlag(fs, &tf.bin, "`METHOD`: none, threshold, sampled, dynamic (fresh samples every epoch) or mixed (threshold or sampled per record and epoch)", "binarize")
	stringFlag(fs, &tf.lik, "`LIKELIHOOD`: cmix (adaptive context mixing, no nets), bernoulli, bernoulli-ar, logistic, logistic-ar, context-mix or bernoulli-cm (default: cmix, or without it bernoulli for binarized data and logistic for other data when net flags are given)", "lik")
	stringFlag(fs, &tf.base, "context-mix, bernoulli-cm: the bernoulli-ar `MODEL` (built-in name or .bbm file) whose nets to keep (default mnist-bin-ar)", "base")
	intFlag(fs, &tf.countLimit, "bernoulli-cm: the counters' count limit `N` while coding, 0 to 1023 (0: no adaptation)", "count-limit")
	stringFlag(fs, &tf.bcmRecipe, "bernoulli-cm: how the weights are fitted, `RECIPE` mnist-bin-cm2 (4 epochs, rounded steps) or mnist-bin-cm (2 epochs, floored steps: rebuilds that model)", "bincm-recipe")
	intFlag(fs, &tf.components, "logistic mixture components `K`", "components")
	stringFlag(fs, &tf.enc, "encoder hidden widths, comma separated (`W,...`; empty for none)", "enc")
	stringFlag(fs, &tf.dec, "decoder hidden widths, comma separated (`W,...`; empty for none)", "dec")
	intFlag(fs, &tf.latent, "latent dimensions `D`", "latent")
	intFlag(fs, &tf.epochs, "passes over the training records", "epochs")
	intFlag(fs, &tf.batch, "records per Adam step", "batch")
	intFlag(fs, &tf.stop, "stop after epoch `N`, keeping the learning-rate schedule of --epochs (0: run them all)", "stop")
	fs.Float64Var(&tf.lr, "lr", tf.lr, "Adam's initial learning rate (cosine decay to a twentieth)")
	fs.Uint64Var(&tf.seed, "seed", tf.seed, "`SEED` of weights, shuffling and noise; the same seed, data and -T repeat a run")
	fs.UintVar(&tf.bucketBits, "bucket-bits", tf.bucketBits, "2^`K` latent buckets in the integer model")
	fs.Float64Var(&tf.quantile, "quantile", tf.quantile, "activation calibration quantile of quantisation")
	stringFlag(fs, &tf.desc, "description stored in the model file", "desc")
	stringFlag(fs, &tf.out, "write the model to `FILE.bbm`", "o", "output")
	stringFlag(fs, &tf.floatOut, "also write the float model (a checkpoint for --init) to `FILE`", "float")
	stringFlag(fs, &tf.init, "continue training the float checkpoint `FILE`", "init")
	intFlag(fs, &tf.threads, "use `N` cores (0: all)", "T", "threads")
	boolFlag(fs, &tf.force, "overwrite existing output files", "f", "force")
	mnistDirFlag(fs.FlagSet)
	operands, code, stop := parseFlags(e, fs, args)
	if stop {
		return code
	}
	if len(operands) > 1 {
		return usageError(e, "train", "unexpected argument %q", operands[1])
	}
	if len(operands) == 1 {
		if flagGiven(fs.FlagSet, "data") {
			return usageError(e, "train", "DATA given twice (%q and --data)", operands[0])
		}
		tf.data = operands[0]
	}
	if tf.lik == "" && !netFlags(fs.FlagSet) {
		tf.lik = "cmix"
	}
	var cfg train.TrainConfig
	if tf.lik != "context-mix" && tf.lik != "cmix" && tf.lik != "bernoulli-cm" { // trainCM, trainCMix and trainBinCM check their own few flags
		var err error
		if cfg, err = tf.config(); err != nil {
			return usageError(e, "train", "%v", err)
		}
	}
	if tf.out == "" {
		return usageError(e, "train", "-o MODEL.bbm is required")
	}
	if tf.threads < 0 {
		return usageError(e, "train", "-T %d: want 0 (all cores) or more", tf.threads)
	}
	if tf.threads > 0 {
		runtime.GOMAXPROCS(tf.threads)
	}
	for _, name := range []string{tf.out, tf.floatOut} {
		if _, err := os.Lstat(name); name != "" && err == nil && !tf.force {
			fmt.Fprintf(e.stderr, "bbans: %s already exists; use -f to overwrite\n", name)
			return exitFailure
		}
	}
	if tf.lik == "context-mix" {
		return trainCM(e, &tf)
	}
	if tf.lik == "bernoulli-cm" {
		return trainBinCM(e, &tf)
	}
	if tf.lik == "cmix" {
		if tf.bin != "none" {
			return usageError(e, "train", "cmix models the bytes as they are; binarize with bbans dataset, not --binarize")
		}
		return trainCMix(e, &tf)
	}
	return trainVAE(e, &tf, cfg)
}

// netFlags reports whether a flag of the nets' training was given, even
// with its default value: then the default likelihood is the VAE's, not
// cmix.
func netFlags(fs *flag.FlagSet) bool {
	set := false
	for _, n := range []string{"binarize", "base", "components", "enc", "dec", "latent", "epochs", "batch", "stop", "lr",
		"bucket-bits", "quantile", "float", "init"} {
		set = set || flagGiven(fs, n)
	}
	return set
}

// config checks the flags that do not need the data.
func (tf *trainFlags) config() (train.TrainConfig, error) {
	var cfg train.TrainConfig
	b, err := dataset.ParseBinarization(tf.bin)
	if err != nil {
		return cfg, fmt.Errorf("--binarize %q: want none, threshold, sampled, dynamic or mixed", tf.bin)
	}
	a := vae.Arch{Latent: tf.latent, Components: tf.components}
	if a.EncHidden, err = widths(tf.enc); err != nil {
		return cfg, fmt.Errorf("--enc: %v", err)
	}
	if a.DecHidden, err = widths(tf.dec); err != nil {
		return cfg, fmt.Errorf("--dec: %v", err)
	}
	switch tf.lik {
	case "":
	case "bernoulli":
		a.Likelihood, a.Components = vae.Bernoulli, 1
	case "logistic":
		a.Likelihood = vae.Logistic
	case "bernoulli-ar":
		a.Likelihood, a.Components = vae.BernoulliAR, 1
	case "logistic-ar":
		a.Likelihood = vae.LogisticAR
	default:
		return cfg, fmt.Errorf("--lik %q: want bernoulli, bernoulli-ar, logistic, logistic-ar, context-mix or bernoulli-cm", tf.lik)
	}
	switch {
	case tf.epochs < 1, tf.batch < 1:
		return cfg, fmt.Errorf("--epochs and --batch must be at least 1")
	case tf.lr <= 0:
		return cfg, fmt.Errorf("--lr must be positive")
	case tf.stop < 0 || tf.stop > tf.epochs:
		return cfg, fmt.Errorf("--stop %d outside [0, --epochs]", tf.stop)
	case tf.n < 0, tf.recordSize < 0:
		return cfg, fmt.Errorf("-n and --record-size must not be negative")
	case tf.bucketBits < 1 || tf.bucketBits > 16:
		return cfg, fmt.Errorf("--bucket-bits %d outside [1, 16]", tf.bucketBits)
	case tf.quantile <= 0 || tf.quantile > 1:
		return cfg, fmt.Errorf("--quantile must be in (0, 1]")
	}
	return train.TrainConfig{Arch: a, Epochs: tf.epochs, BatchSize: tf.batch, LR: tf.lr, Seed: tf.seed, Binarization: b, StopAfter: tf.stop}, nil
}

// widths parses "500,250" (or vaetrain's "500-250").
func widths(s string) ([]int, error) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '-' }) {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad width %q in %q", f, s)
		}
		out = append(out, n)
	}
	return out, nil
}

// split returns the training and held-out records.
func (tf *trainFlags) split() (tr, ho *dataset.Dataset, err error) {
	spec := tf.data
	if spec == "mnist" {
		spec = "mnist-train"
	}
	all, err := loadData(spec, tf.recordSize, tf.shape, tf.dropPartial)
	if err != nil {
		return nil, nil, err
	}
	h := tf.heldout
	if h < 0 {
		h = all.Len() / 10
		if tf.data == "mnist" {
			h = dataset.MNISTHeldout
		}
	}
	if h >= all.Len() {
		return nil, nil, fmt.Errorf("%s: %d records, cannot hold out %d", tf.data, all.Len(), h)
	}
	tr, ho = all.Slice(0, all.Len()-h), all.Slice(all.Len()-h, all.Len())
	if tf.n > 0 && tf.n < tr.Len() {
		tr = tr.Slice(0, tf.n)
	}
	return tr, ho, nil
}

func trainVAE(e *env, tf *trainFlags, cfg train.TrainConfig) int {
	tr, ho, err := tf.split()
	if err != nil {
		return report(e, "", err)
	}
	a := &cfg.Arch
	a.RecordSize, a.Shape = tr.RecordSize, tr.Shape
	binary := cfg.Binarization != dataset.None || tr.MaxValue() <= 1
	if tf.lik == "" {
		a.Likelihood = vae.Logistic
		if binary {
			a.Likelihood, a.Components = vae.Bernoulli, 1
		}
	}
	if a.Likelihood.Binary() && !binary {
		return usageError(e, "train", "a bernoulli likelihood needs binarized data; give --binarize")
	}
	if err := a.Validate(); err != nil {
		return usageError(e, "train", "%v", err)
	}
	if cfg.Heldout, err = heldoutSets(ho, cfg.Binarization, a.Likelihood); err != nil {
		return report(e, tf.data, err)
	}
	if tf.init != "" {
		if cfg.Init, err = readFloat(tf.init); err != nil {
			return report(e, tf.init, err)
		}
	}
	ei, di := a.MACs()
	fmt.Fprintf(e.stderr, "bbans: training %v (%d+%d multiply-adds per record) on %d records of %s, %d held out, binarize %v, %d epochs, seed %d\n",
		a, ei, di, tr.Len(), tf.data, ho.Len(), cfg.Binarization, cfg.Epochs, cfg.Seed)

	bar := newTrainBar(e)
	if bar != nil {
		cfg.ProgressEvery = max(1, tr.Len()/cfg.BatchSize/200)
	}
	f, err := train.Train(cfg, tr, func(p train.Progress) {
		if !p.EpochDone {
			bar.draw(p)
			return
		}
		bar.clear()
		epochLine(e.stderr, &cfg, p)
	})
	bar.clear()
	if err != nil {
		return report(e, "", err)
	}
	return quantizeAndWrite(e, tf, f, tr, cfg)
}

// heldoutSets are the held-out records as the report shows them: as
// trained for fixed binarizations, both binarizations (sampled first) for
// the ones that change every epoch.
func heldoutSets(ho *dataset.Dataset, b dataset.Binarization, lik vae.Likelihood) ([]train.EvalSet, error) {
	if !lik.Binary() || ho.MaxValue() <= 1 {
		name := "heldout"
		if !lik.Binary() {
			name = "8-bit"
		}
		return []train.EvalSet{{Name: name, Data: ho}}, nil
	}
	th, err := dataset.Binarize(ho, dataset.Threshold)
	if err != nil {
		return nil, err
	}
	sa, err := dataset.Binarize(ho, dataset.Sampled)
	if err != nil {
		return nil, err
	}
	if b == dataset.Threshold {
		return []train.EvalSet{{Name: "threshold", Data: th}, {Name: "sampled", Data: sa}}, nil
	}
	return []train.EvalSet{{Name: "sampled", Data: sa}, {Name: "threshold", Data: th}}, nil
}

func epochLine(w io.Writer, cfg *train.TrainConfig, p train.Progress) {
	var hs []string
	for i, h := range p.Heldout {
		hs = append(hs, fmt.Sprintf("%s %.4f", cfg.Heldout[i].Name, h))
	}
	best := ""
	if p.Best {
		best = " *"
	}
	fmt.Fprintf(w, "epoch %3d/%d  train %.4f  held out %s bits/dim  lr %.2g  %.0f rec/s  %v%s\n",
		p.Epoch, p.Epochs, p.TrainBPD, strings.Join(hs, ", "), p.LearningRate, p.RecordsPerSec,
		p.Elapsed.Round(time.Second), best)
}

func readFloat(name string) (*train.FloatModel, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	return train.ReadFloat(f)
}
