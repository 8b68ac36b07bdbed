package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/bbans/bbans/format"
	"github.com/bbans/bbans/stream"
)

func init() {
	register(&command{name: "decompress", summary: "decompress archives (FILE.bbans -> FILE)", run: runDecompress})
}

// readerFlags are the options of every command that decodes archives.
type readerFlags struct {
	models    []string // -m, repeatable: model files for archives of custom models
	maxMemory int      // MiB
	noEmbed   bool
}

func (rf *readerFlags) add(fs *flagSet) {
	fs.Func("m", "decode archives of the model in `FILE.bbm` (repeatable)", func(s string) error {
		rf.models = append(rf.models, s)
		return nil
	})
	rf.maxMemory = stream.DefaultMaxMemory >> 20
	intFlag(fs, &rf.maxMemory, "use at most `MiB` of memory for chunk buffers; larger archives are refused", "max-memory")
	boolFlag(fs, &rf.noEmbed, "refuse models embedded in archives; decode only with built-in or -m models", "no-embedded-model")
}

// options turns the flags into stream options; an error is a usage error.
func (rf *readerFlags) options(threads int) ([]stream.ROption, error) {
	opts := []stream.ROption{stream.WithDecoderConcurrency(threads), stream.WithEmbeddedModels(!rf.noEmbed)}
	for _, spec := range rf.models {
		m, _, err := loadModel(spec)
		if err != nil {
			return nil, fmt.Errorf("-m %s: %s", spec, describe(err))
		}
		opts = append(opts, stream.WithModels(m))
	}
	mem := stream.WithDecoderMaxMemory(int64(rf.maxMemory) << 20)
	if _, err := stream.NewReader(nil, mem); err != nil {
		return nil, fmt.Errorf("--max-memory %d: at least 1 MiB", rf.maxMemory)
	}
	return append(opts, mem), nil
}

// decoder returns the transform that decompresses with opts.
func decoder(opts []stream.ROption) func(in io.Reader, out io.Writer, p *progress) error {
	return func(in io.Reader, out io.Writer, p *progress) error {
		if p.stop != nil {
			in = peekRecordSize(in, p)
		}
		zr, err := stream.NewReader(in, opts...)
		if err != nil {
			return err
		}
		defer zr.Close()
		_, err = zr.WriteTo(out)
		return err
	}
}

// newDecompressFlags defines the flags of decompress.
func newDecompressFlags(e *env) (*flagSet, *fileFlags, *readerFlags) {
	var ff fileFlags
	var rf readerFlags
	fs := newFlags(e, "decompress", "decompress [options] [FILE.bbans|-]...")
	addFileFlags(fs, &ff, false)
	rf.add(fs)
	return fs, &ff, &rf
}

func runDecompress(e *env, args []string) int {
	fs, ff, rf := newDecompressFlags(e)
	operands, code, stop := parseFlags(e, fs, args)
	if stop {
		return code
	}
	if ff.rm && ff.keep {
		return usageError(e, "decompress", "-k and --rm contradict each other")
	}
	opts, err := rf.options(ff.threads)
	if err != nil {
		return usageError(e, "decompress", "%s", err)
	}
	c := &fileCmd{
		name: "decompress",
		outName: func(in string) (string, error) {
			out, ok := strings.CutSuffix(in, suffix)
			if !ok || out == "" || strings.HasSuffix(out, "/") {
				return "", fmt.Errorf("unknown suffix (want %s); use -o or -c", suffix)
			}
			return out, nil
		},
		transform: decoder(opts),
	}
	return c.runAll(e, ff, operands)
}

// peekRecordSize reads the archive header ahead, for the progress bar's
// record count, and returns a reader that still yields every byte. A
// header larger than the peek (an embedded model) leaves the count out.
func peekRecordSize(in io.Reader, p *progress) io.Reader {
	br := bufio.NewReaderSize(in, 64<<10)
	b, _ := br.Peek(64 << 10)
	if h, err := format.NewReader(bytes.NewReader(b), format.Limits{}).ReadHeader(); err == nil {
		p.recordSize.Store(int64(h.RecordSize))
	}
	return br
}
