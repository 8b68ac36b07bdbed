package bench

import (
	"cmp"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Window is the number of records of the moving average in the running
// rate plot.
const Window = 1000

var (
	colorBBANS   = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	colorCum     = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	colorClassic = color.RGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xff}
	colorImage   = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}
)

// Plot draws the report as one PNG of two rows with a column per set:
// on top the running compression rate of one bits-back chain (Figure 3 of
// the BB-ANS paper), below a bar chart of bits/dim per method. Sets without
// a trace get no top panel; a report with no trace draws the bars alone.
func (rep *Report) Plot(w io.Writer) error {
	var top, bottom []*plot.Plot
	for _, s := range rep.Sets {
		if t := rep.trace(s.Name); t != nil {
			p, err := t.plot()
			if err != nil {
				return err
			}
			top = append(top, p)
		}
		p, err := rep.bars(s.Name)
		if err != nil {
			return err
		}
		bottom = append(bottom, p)
	}
	grid := [][]*plot.Plot{bottom}
	if len(top) == len(bottom) {
		grid = [][]*plot.Plot{top, bottom}
	}
	const tileW, tileH = 6 * vg.Inch, 4.5 * vg.Inch
	img := vgimg.NewWith(vgimg.UseWH(tileW*vg.Length(len(bottom)), tileH*vg.Length(len(grid))), vgimg.UseDPI(96))
	dc := draw.New(img)
	tiles := draw.Tiles{
		Rows: len(grid), Cols: len(bottom),
		PadX: vg.Millimeter * 8, PadY: vg.Millimeter * 8,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2,
		PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 4,
	}
	canvases := plot.Align(grid, tiles, dc)
	for i := range grid {
		for j, p := range grid[i] {
			p.Draw(canvases[i][j])
		}
	}
	_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(w)
	return err
}

// trace returns the trace of a set, or nil.
func (rep *Report) trace(set string) *Trace {
	for i := range rep.Traces {
		if rep.Traces[i].Set == set {
			return &rep.Traces[i]
		}
	}
	return nil
}

// Rates returns, for i = 1..n records coded, the cost of record i alone,
// the average over the last min(i, window) records and the average over
// all i records (the cumulative rate, which includes the initial bits), in
// bits/dim.
func (t *Trace) Rates(window int) (record, moving, cumulative []float64) {
	n := len(t.Bits) - 1
	record, moving, cumulative = make([]float64, n), make([]float64, n), make([]float64, n)
	d := float64(t.Dims)
	for i := 1; i <= n; i++ {
		lo := max(0, i-window)
		record[i-1] = float64(t.Bits[i]-t.Bits[i-1]) / d
		moving[i-1] = float64(t.Bits[i]-t.Bits[lo]) / (float64(i-lo) * d)
		cumulative[i-1] = float64(t.Bits[i]) / (float64(i) * d)
	}
	return record, moving, cumulative
}

// plot draws the running rate of t against the number of records on a
// logarithmic axis, so that the first records, which pay the initial bits,
// are as visible as the long run.
func (t *Trace) plot() (*plot.Plot, error) {
	n := len(t.Bits) - 1
	window := min(Window, max(1, n/10))
	_, moving, cumulative := t.Rates(window)
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: one bits-back chain (%s)", t.Set, t.Model)
	p.X.Label.Text = "records coded (log scale)"
	p.Y.Label.Text = "bits/dim"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Add(plotter.NewGrid())

	xy := func(v []float64) plotter.XYs {
		pts := make(plotter.XYs, len(v))
		for i := range v {
			pts[i] = plotter.XY{X: float64(i + 1), Y: v[i]}
		}
		return pts
	}
	line := func(v []float64, c color.Color, width vg.Length, name string) error {
		l, err := plotter.NewLine(xy(v))
		if err != nil {
			return err
		}
		l.Color, l.Width = c, width
		p.Add(l)
		p.Legend.Add(name, l)
		return nil
	}
	if err := line(moving, colorBBANS, 1.5, fmt.Sprintf("moving average, %d records", window)); err != nil {
		return nil, err
	}
	if err := line(cumulative, colorCum, 1.5, "cumulative (with initial bits)"); err != nil {
		return nil, err
	}
	if t.NegELBO > 0 {
		l, err := plotter.NewLine(plotter.XYs{{X: 1, Y: t.NegELBO}, {X: float64(n), Y: t.NegELBO}})
		if err != nil {
			return nil, err
		}
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		l.Width = 1.2
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("negative ELBO %.4f", t.NegELBO), l)
	}
	p.Legend.Top = true
	// The y range holds the first records (the initial bits), the moving
	// average and the negative ELBO, with room at the top for the legend.
	top := t.NegELBO
	for i := range moving {
		top = math.Max(top, math.Max(moving[i], cumulative[i]))
	}
	p.Y.Min, p.Y.Max = 0, top*1.25
	p.Y.Tick.Marker = niceTicks{}
	if n > 0 {
		p.X.Min, p.X.Max = 1, float64(n)
	}
	return p, nil
}

// bars draws bits/dim per method on one set as horizontal bars, best at
// the top, with the model's negative ELBO as a dashed line.
func (rep *Report) bars(set string) (*plot.Plot, error) {
	var rs []*Result
	for i := range rep.Results {
		if r := &rep.Results[i]; r.Set == set && r.Skipped == "" {
			rs = append(rs, r)
		}
	}
	// Best at the top: the y axis grows upwards, so the worst comes first.
	slices.SortStableFunc(rs, func(a, b *Result) int {
		return cmp.Compare(b.BitsPerDim(), a.BitsPerDim())
	})
	p := plot.New()
	p.Title.Text = set + ": bits/dim per method"
	if r := rep.bbans(set); r != nil && r.NegELBO > 0 {
		p.Title.Text += fmt.Sprintf(" (dashed: bbans model's -ELBO %.4f)", r.NegELBO)
	}
	p.X.Label.Text = "bits/dim"
	p.X.Min = 0
	p.Add(plotter.NewGrid())
	names := make([]string, len(rs))
	var labels plotter.XYLabels
	xmax, elbo := 0.0, 0.0
	for i, r := range rs {
		names[i] = r.Method
		b, err := plotter.NewBarChart(plotter.Values{r.BitsPerDim()}, vg.Points(14))
		if err != nil {
			return nil, err
		}
		b.Horizontal = true
		b.XMin = float64(i)
		b.LineStyle.Width = 0
		switch r.Kind {
		case BBANS:
			b.Color = colorBBANS
			elbo = r.NegELBO
		case Image:
			b.Color = colorImage
		default:
			b.Color = colorClassic
		}
		p.Add(b)
		xmax = math.Max(xmax, r.BitsPerDim())
		labels.XYs = append(labels.XYs, plotter.XY{X: r.BitsPerDim(), Y: float64(i)})
		labels.Labels = append(labels.Labels, fmt.Sprintf(" %.3f", r.BitsPerDim()))
	}
	p.NominalY(names...)
	if len(rs) > 0 {
		l, err := plotter.NewLabels(labels)
		if err != nil {
			return nil, err
		}
		for i := range l.TextStyle {
			l.TextStyle[i].YAlign = draw.YCenter
		}
		p.Add(l)
	}
	if elbo > 0 {
		l, err := plotter.NewLine(plotter.XYs{{X: elbo, Y: -0.5}, {X: elbo, Y: float64(len(rs)) - 0.5}})
		if err != nil {
			return nil, err
		}
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(l)
	}
	p.X.Max = xmax * 1.2 // room for the labels
	p.X.Tick.Marker = niceTicks{}
	return p, nil
}

// niceTicks marks an axis at four to seven round values (steps of 1, 2, 2.5
// or 5 times a power of ten); gonum's default gives as few as two.
type niceTicks struct{}

func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	raw := (hi - lo) / 7 // at most seven intervals
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	step := pow
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if step = m * pow; step >= raw {
			break
		}
	}
	prec := 0 // the decimals that step needs
	for x := step; prec < 6 && math.Abs(x-math.Round(x)) > 1e-9; x *= 10 {
		prec++
	}
	var ticks []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', prec, 64)})
		for k := 1; k < 5; k++ { // minor ticks
			if m := v + float64(k)*step/5; m <= hi {
				ticks = append(ticks, plot.Tick{Value: m})
			}
		}
	}
	return ticks
}
