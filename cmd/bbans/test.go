package main

func init() {
	register(&command{name: "test", summary: "decode and verify archives, write nothing", run: runTest})
	register(&command{name: "cat", summary: "decompress archives to standard output", run: runCat})
}

// runTest decodes every archive and checks every checksum, writing
// nothing: exit 0 when all are intact, 3 when one is damaged.
func runTest(e *env, args []string) int {
	return decodeOnly(e, "test", "test [options] FILE.bbans...", args, true)
}

// runCat is decompress -c.
func runCat(e *env, args []string) int {
	return decodeOnly(e, "cat", "cat [options] [FILE.bbans|-]...", args, false)
}

func decodeOnly(e *env, name, synopsis string, args []string, discard bool) int {
	var ff fileFlags
	var rf readerFlags
	fs := newFlags(e, name, synopsis)
	intFlag(fs, &ff.threads, "decode `N` chunks at once (0: one per core)", "T", "threads")
	boolFlag(fs, &ff.verbose, "print a summary line per file", "v", "verbose")
	var quiet, keep bool // accepted for zstd's -tq and -tk; the input is always kept
	boolFlag(fs, &quiet, "print no summary (the default)", "q", "quiet")
	boolFlag(fs, &keep, "keep the input (always)", "k", "keep")
	rf.add(fs)
	var records *string
	if !discard {
		fs.Func("records", "write only records `A:B` (A to B-1, from 0; A:, :B or N), decoding only their chunks", func(s string) error {
			records = &s
			return nil
		})
	}
	operands, code, stop := parseFlags(e, fs, args)
	if stop {
		return code
	}
	opts, err := rf.options(ff.threads)
	if err != nil {
		return usageError(e, name, "%s", err)
	}
	if records != nil {
		lo, hi, err := parseRecordRange(*records)
		if err != nil {
			return usageError(e, name, "%s", err)
		}
		if len(operands) != 1 {
			return usageError(e, name, "--records reads one archive, %d given", len(operands))
		}
		return catRecords(e, operands[0], lo, hi, opts)
	}
	ff.discard = discard
	ff.stdout = !discard
	ff.quiet = !ff.verbose || quiet
	c := &fileCmd{name: name, transform: decoder(opts)}
	return c.runAll(e, &ff, operands)
}
