package testsets

// splitmix64 is the generator of the procedural kinds (Steele, Lea &
// Flood 2014): integer-only, so every machine draws the same numbers.
type splitmix64 uint64

func (s *splitmix64) next() uint64 {
	*s += 0x9E3779B97F4A7C15
	z := uint64(*s)
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

// intn returns a number in [0, n), n > 0 (the tiny modulo bias does not
// matter for test data).
func (s *splitmix64) intn(n int) int { return int(s.next() % uint64(n)) }

// texture draws one size x size grey texture: a sum of one or two layers
// (stripes at an angle, a linear gradient, a checkerboard, or value noise
// on a coarse grid), plus pixel noise of a random strength, clipped to
// 0..255. All in integers.
func texture(rng *splitmix64, size int) []byte {
	acc := make([]int, size*size)
	layers := 1 + rng.intn(2)
	for range layers {
		layer(rng, acc, size)
	}
	noise := []int{0, 0, 4, 12, 32}[rng.intn(5)]
	out := make([]byte, size*size)
	for i, v := range acc {
		v /= layers
		if noise > 0 {
			v += rng.intn(2*noise+1) - noise
		}
		out[i] = byte(min(255, max(0, v)))
	}
	return out
}

// layer adds one pattern with values in about 0..255 to acc.
func layer(rng *splitmix64, acc []int, size int) {
	lo := rng.intn(128)
	hi := lo + 32 + rng.intn(256-32-lo)
	switch rng.intn(4) {
	case 0: // stripes: a triangle wave of period p along direction (dx, dy)
		p := 2 + rng.intn(11)
		dx, dy, ph := rng.intn(5)-2, rng.intn(5)-2, rng.intn(2*p)
		if dx == 0 && dy == 0 {
			dx = 1
		}
		for y := range size {
			for x := range size {
				t := ((x*dx+y*dy+ph)%(2*p) + 2*p) % (2 * p)
				if t >= p {
					t = 2*p - t
				}
				acc[y*size+x] += lo + (hi-lo)*t/p
			}
		}
	case 1: // gradient from lo to hi along (dx, dy)
		dx, dy := rng.intn(9)-4, rng.intn(9)-4
		span := max(1, (abs(dx)+abs(dy))*(size-1))
		for y := range size {
			for x := range size {
				t := x*dx + y*dy
				if dx < 0 {
					t -= dx * (size - 1)
				}
				if dy < 0 {
					t -= dy * (size - 1)
				}
				acc[y*size+x] += lo + (hi-lo)*t/span
			}
		}
	case 2: // checkerboard of c x c cells
		c := 1 + rng.intn(8)
		ox, oy := rng.intn(c), rng.intn(c)
		for y := range size {
			for x := range size {
				v := lo
				if ((x+ox)/c+(y+oy)/c)%2 == 1 {
					v = hi
				}
				acc[y*size+x] += v
			}
		}
	default: // value noise: random levels on a grid of g x g cells, bilinear
		g := 2 + rng.intn(7)
		n := size/g + 2
		grid := make([]int, n*n)
		for i := range grid {
			grid[i] = lo + rng.intn(hi-lo+1)
		}
		for y := range size {
			for x := range size {
				gx, gy, fx, fy := x/g, y/g, x%g, y%g
				a := grid[gy*n+gx]*(g-fx) + grid[gy*n+gx+1]*fx
				b := grid[(gy+1)*n+gx]*(g-fx) + grid[(gy+1)*n+gx+1]*fx
				acc[y*size+x] += (a*(g-fy) + b*fy) / (g * g)
			}
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// textures draws n textures from the stream seeded with seed.
func textures(seed uint64, n, size int) []byte {
	rng := splitmix64(seed)
	out := make([]byte, 0, n*size*size)
	for range n {
		out = append(out, texture(&rng, size)...)
	}
	return out
}
