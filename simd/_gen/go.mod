module github.com/bbans/bbans/simd/_gen

go 1.26
