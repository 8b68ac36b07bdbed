package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/bbans/bbans/stream"
	"github.com/bbans/bbans/vae"
	"github.com/bbans/bbans/vae/dataset"
)

// suffix is the file name extension of archives.
const suffix = ".bbans"

func init() {
	register(&command{name: "compress", summary: "compress files (FILE -> FILE.bbans)", run: runCompress})
}

// addFileFlags defines the flags compress and decompress share.
func addFileFlags(fs *flagSet, ff *fileFlags, compressing bool) {
	boolFlag(fs, &ff.stdout, "write to standard output, keep the input", "c", "stdout")
	stringFlag(fs, &ff.output, "write to `FILE` (only with one input; - for standard output)", "o", "output")
	force := "overwrite existing outputs; read symbolic links as inputs"
	if compressing {
		force += "; allow writing compressed data to a terminal"
	}
	boolFlag(fs, &ff.force, force, "f", "force")
	boolFlag(fs, &ff.keep, "keep the input (the default)", "k", "keep")
	boolFlag(fs, &ff.rm, "remove the input after success", "rm")
	intFlag(fs, &ff.threads, "code `N` chunks at once (0: one per core)", "T", "threads")
	boolFlag(fs, &ff.verbose, "print a summary line per file even when standard error is not a terminal", "v", "verbose")
	boolFlag(fs, &ff.quiet, "print no summary", "q", "quiet")
}

// compressFlags are the options of compress.
type compressFlags struct {
	ff           fileFlags
	model        string
	embed, noIDX bool
	noGeneral    bool
	listLevels   bool
	chunk, lanes int // chunk not given, lanes 0: the level's
	level        int // -1 .. -19; 0: none given
	shape        dataset.Shape
}

// newCompressFlags defines the flags of compress.
func newCompressFlags(e *env) (*flagSet, *compressFlags) {
	cf := &compressFlags{}
	fs := newFlags(e, "compress", "compress [options] [FILE|-]...")
	addFileFlags(fs, &cf.ff, true)
	fs.levels(&cf.level, fmt.Sprintf("compression level: -1 fastest, -19 smallest, default -%d; each sets the general codec\n"+
		"                           for data no model fits, the model effort, the lanes, the models (from -%d %s for\n"+
		"                           binarized records: 3-6%% smaller, 0.7 of the speed; %s for 8-bit: about 13%%\n"+
		"                           smaller, 25 times slower both ways) and the chunk records (%d at -%d)\n"+
		"                           (see 'bbans compress --levels')",
		stream.DefaultLevel, stream.BestLevel, stream.BestModel, stream.BestModel8Bit, stream.BestChunkRecords, stream.MaxLevel))
	boolFlag(fs, &cf.listLevels, "print what each level sets, and exit", "levels")
	stringFlag(fs, &cf.model, "code with `MODEL`: a built-in name (see 'bbans models') or a model file; default: chosen from the data ("+defaultModels()+")", "m", "model")
	boolFlag(fs, &cf.embed, "store the model in the archive (zstd-compressed), so it decodes where the model is unknown", "embed-model")
	intFlag(fs, &cf.chunk, fmt.Sprintf("`N` records per chunk (smaller: faster random access, more rate; default: the level's, %d, %d at -%d)",
		stream.DefaultChunkRecords, stream.BestChunkRecords, stream.MaxLevel), "chunk")
	intFlag(fs, &cf.lanes, "`N` bits-back chains per chunk (default: the level's)", "lanes")
	boolFlag(fs, &cf.noGeneral, "code every chunk with the model or store it, no zstd or brotli frames (for readers older than them)", "no-general")
	boolFlag(fs, &cf.noIDX, "do not recognise IDX (MNIST) file headers", "no-idx")
	shapeFlag(fs, &cf.shape, "the input's records (an IDX header of n x h x w or n x h x w x c gives it); a model of another shape does not code them: a warning, and the general codec or stored frames take them")
	return fs, cf
}

// defaultModels says which models compress picks when given no -m.
func defaultModels() string {
	return fmt.Sprintf("%s for binarized records, %s for others (%s and %s from -%d)", stream.DefaultModel, stream.DefaultModel8Bit, stream.BestModel, stream.BestModel8Bit, stream.BestLevel)
}

func runCompress(e *env, args []string) int {
	fs, cf := newCompressFlags(e)
	operands, code, stop := parseFlags(e, fs, args)
	if stop {
		return code
	}
	ff, modelSpec, embed, noIDX, chunk, lanes := &cf.ff, cf.model, cf.embed, cf.noIDX, cf.chunk, cf.lanes
	if cf.listLevels {
		for n := stream.MinLevel; n <= stream.MaxLevel; n++ {
			mark := ""
			if n == stream.DefaultLevel {
				mark = " (default)"
			}
			fmt.Fprintf(e.stdout, "-%-3d %s%s\n", n, stream.LevelInfo(n), mark)
		}
		return exitOK
	}
	if ff.rm && ff.keep {
		return usageError(e, "compress", "-k and --rm contradict each other")
	}
	opts := []stream.WOption{
		stream.WithEncoderConcurrency(ff.threads),
		stream.WithEmbeddedModel(embed),
		stream.WithIDX(!noIDX),
		stream.WithGeneralCodec(!cf.noGeneral),
	}
	if cf.level != 0 {
		opts = append(opts, stream.WithEncoderLevel(cf.level))
	}
	recordSize := 0
	if len(stream.Models()) > 0 {
		recordSize = stream.Models()[0].RecordSize() // what an automatic choice will use
	}
	var sm stream.Model
	var vm *vae.Model
	if modelSpec != "" {
		m, v, err := loadModel(modelSpec)
		if err != nil {
			fmt.Fprintf(e.stderr, "bbans: -m %s: %s\n", modelSpec, describe(err))
			return exitUsage
		}
		opts = append(opts, stream.WithModel(m))
		recordSize = m.RecordSize()
		sm, vm = m, v
	}
	// Check the numbers now, for a usage error rather than one per file.
	for _, o := range []struct {
		opt  stream.WOption
		flag string
	}{{stream.WithChunkRecords(chunk), "--chunk"}, {stream.WithLanes(lanes), "--lanes"}} {
		if o.flag == "--lanes" && lanes == 0 || o.flag == "--chunk" && !flagGiven(fs.FlagSet, "chunk") {
			continue // the level's
		}
		if _, err := stream.NewWriter(io.Discard, o.opt); err != nil {
			return usageError(e, "compress", "%s: %s", o.flag, strings.TrimPrefix(err.Error(), "stream: "))
		}
		opts = append(opts, o.opt)
	}
	c := &fileCmd{
		name:        "compress",
		compressing: true,
		recordSize:  recordSize,
		outName: func(in string) (string, error) {
			if strings.HasSuffix(in, suffix) && !ff.force {
				return "", fmt.Errorf("already has the %s suffix; use -f to compress it again, or -o", suffix)
			}
			return in + suffix, nil
		},
		transform: func(in io.Reader, out io.Writer, p *progress) error {
			br := bufio.NewReaderSize(in, 1<<16)
			wopts := opts
			if m := shapeFallback(e.stderr, br, !noIDX, p.label, cf.shape, sm, vm); m != nil {
				wopts = append(opts[:len(opts):len(opts)], stream.WithModel(m))
			}
			zw, err := stream.NewWriter(out, wopts...)
			if err != nil {
				return err
			}
			p.follow(zw.Progress)
			if _, err := io.CopyBuffer(zw, br, make([]byte, 1<<20)); err != nil {
				return err
			}
			if err := zw.Close(); err != nil {
				return err
			}
			if !ff.quiet {
				p.done() // the warning goes on a line of its own
				warnUnmodeled(e, p.label, zw.Coding(), recordSize)
			}
			return nil
		},
	}
	return c.runAll(e, ff, operands)
}

// warnUnmodeled says on standard error when the model coded none of an
// input that had whole records: everything went to the general codec or
// was stored, which a user who expected the model should know.
func warnUnmodeled(e *env, label string, c stream.Coding, recordSize int) {
	if c.Modeled > 0 || c.General+c.Stored < int64(max(recordSize, 1)) {
		return
	}
	how := "the general codec (zstd/brotli) coded it or it was stored"
	if c.General == 0 {
		how = "it was stored"
	}
	if c.Model == "" {
		fmt.Fprintf(e.stderr, "bbans: %s: warning: no model codes records of %d bytes; %s\n", label, recordSize, how)
		return
	}
	fmt.Fprintf(e.stderr, "bbans: %s: warning: the model %s coded none of the input; %s\n", label, c.Model, how)
}
