package simd

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
)

func TestLevels(t *testing.T) {
	ls := Levels()
	if ls[0] != Generic || ls[len(ls)-1] != Best() {
		t.Fatalf("Levels() = %v, Best() = %v", ls, Best())
	}
	for _, l := range ls {
		p, err := ParseLevel(l.String())
		if err != nil || p != l {
			t.Errorf("ParseLevel(%q) = %v, %v", l.String(), p, err)
		}
		restore := ForceLevel(l)
		if Current() != l {
			t.Errorf("after ForceLevel(%v), Current() = %v", l, Current())
		}
		restore()
	}
	if _, err := ParseLevel("sse9"); err == nil {
		t.Error("ParseLevel accepted sse9")
	}
	defer func() {
		if recover() == nil {
			t.Error("ForceLevel(Level(99)) did not panic")
		}
	}()
	ForceLevel(Level(99))
}

func TestChooseLevel(t *testing.T) {
	for _, c := range []struct {
		env  string
		best Level
		want Level
		err  bool
	}{
		{"", AVX512VNNI, AVX512VNNI, false},
		{"auto", AVX2, AVX2, false},
		{"generic", AVX512VNNI, Generic, false},
		{"AVX2", AVX512VNNI, AVX2, false},
		{"avx512", AVX512VNNI, AVX512, false},
		{"avx512vnni", AVX512VNNI, AVX512VNNI, false},
		{"avx512vnni", AVX2, AVX2, false},
		{"avx512", Generic, Generic, false},
		{"sse2", AVX2, AVX2, true},
		{"neondot", NEONDot, NEONDot, false},
		{"avx2", NEONDot, Generic, false},
		{"avx512vnni", NEONDot, Generic, false},
		{"neondot", AVX512VNNI, AVX512VNNI, false},
		{"neon", NEONDot, NEON, false},
		{"neondot", NEON, NEON, false},
		{"avx512", NEON, Generic, false},
	} {
		sup := func(l Level) bool { return l <= AVX512VNNI }
		if c.best >= NEON {
			sup = func(l Level) bool { return l == Generic || l >= NEON && l <= c.best }
		}
		got, err := chooseLevel(c.env, c.best, sup)
		if got != c.want || (err != nil) != c.err {
			t.Errorf("chooseLevel(%q, %v) = %v, %v; want %v, error %v", c.env, c.best, got, err, c.want, c.err)
		}
	}
}

// TestEnvVar runs this test binary again with BBANS_SIMD set and checks the
// level it starts with.
func TestEnvVar(t *testing.T) {
	if want := os.Getenv("BBANS_SIMD_WANT"); want != "" {
		if got := Current().String(); got != want {
			t.Fatalf("%s=%s: Current() = %s, want %s", EnvVar, os.Getenv(EnvVar), got, want)
		}
		return
	}
	if testing.Short() {
		t.Skip("runs subprocesses")
	}
	for _, l := range Levels() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestEnvVar$")
		cmd.Env = append(os.Environ(), EnvVar+"="+l.String(), "BBANS_SIMD_WANT="+l.String())
		if out, err := cmd.CombinedOutput(); errors.Is(err, syscall.ENOEXEC) {
			t.Skip("cannot re-execute the test binary (qemu-user without binfmt_misc?)")
		} else if err != nil {
			t.Errorf("%s=%v: %v\n%s", EnvVar, l, err, out)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestEnvVar$")
	cmd.Env = append(os.Environ(), EnvVar+"=bogus", "BBANS_SIMD_WANT=x")
	if err := cmd.Run(); err == nil {
		t.Errorf("%s=bogus did not fail", EnvVar)
	}
}
