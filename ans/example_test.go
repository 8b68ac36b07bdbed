package ans_test

import (
	"fmt"

	"github.com/bbans/bbans/ans"
)

// A message is a stack: what is pushed last comes off first, and popping
// with the same distributions restores the message exactly.
func Example() {
	m := ans.NewMessage(1)
	bits := []byte{1, 0, 0, 1, 1, 0, 1, 0}
	probs := []uint16{200, 10, 10, 250, 128, 30, 220, 40} // P(1) out of 256

	ans.PushBernoulli(m, 0, bits, probs, 8)
	die := ans.NewUniform(6)
	die.Push(m, 0, 4)
	fmt.Printf("holds %.1f bits\n", m.Bits())

	fmt.Println("die:", die.Pop(m, 0))
	got := make([]byte, len(bits))
	ans.PopBernoulli(m, 0, probs, 8, got)
	fmt.Println("bits:", got)
	fmt.Printf("holds %.1f bits\n", m.Bits())
	// Output:
	// holds 4.8 bits
	// die: 4
	// bits: [1 0 0 1 1 0 1 0]
	// holds 0.0 bits
}

// Popping from an empty message is defined, so bits-back coding can start
// from nothing: the popped bits are borrowed, and pushing returns them.
func ExampleMessage_Pop() {
	m := ans.NewMessage(1)
	coin := ans.NewUniform(1 << 16)
	var got []int
	for range 8 {
		got = append(got, coin.Pop(m, 0))
	}
	fmt.Println("borrowed words:", m.Borrowed())
	for i := len(got) - 1; i >= 0; i-- {
		coin.Push(m, 0, got[i])
	}
	fmt.Println("restored:", m.Equal(ans.NewMessage(1)))
	// Output:
	// borrowed words: 4
	// restored: true
}
