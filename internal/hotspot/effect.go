package hotspot

import (
	"fmt"
	"math"
)

// z95 is the normal quantile of a two-sided 95% interval.
const z95 = 1.959963984540054

// Effect is a fix's measured effect: how the affected grids' demands of the
// category changed from before to after, against how comparable grids
// without the intervention changed over the same weeks
// (difference-in-differences on the log scale).
type Effect struct {
	TreatedBefore int `json:"treated_before"`
	TreatedAfter  int `json:"treated_after"`
	ControlBefore int `json:"control_before"`
	ControlAfter  int `json:"control_after"`
	// Ratio is (treated after ÷ before) ÷ (control after ÷ before): 0.6
	// means the affected grids fell to 60% of what the others' trend says.
	Ratio float64 `json:"ratio"`
	Low   float64 `json:"low"`  // 95% confidence interval of Ratio
	High  float64 `json:"high"` //
	// Direction is "fell" or "rose" when the interval lies on one side of
	// 1, else "unclear"; "unknown" when a count is zero (no estimate).
	Direction string `json:"direction"`
}

// DiD estimates the effect from the four counts. Each count is taken as
// Poisson, so the log of the ratio of ratios has variance 1/a + 1/b + 1/c +
// 1/d (the delta method); the interval is exp(log R ± 1.96·√var).
func DiD(treatedBefore, treatedAfter, controlBefore, controlAfter int) Effect {
	e := Effect{TreatedBefore: treatedBefore, TreatedAfter: treatedAfter, ControlBefore: controlBefore, ControlAfter: controlAfter, Direction: "unknown"}
	if treatedBefore <= 0 || treatedAfter <= 0 || controlBefore <= 0 || controlAfter <= 0 {
		return e
	}
	a, b, c, d := float64(treatedBefore), float64(treatedAfter), float64(controlBefore), float64(controlAfter)
	logR := math.Log(b/a) - math.Log(d/c)
	se := math.Sqrt(1/a + 1/b + 1/c + 1/d)
	e.Ratio, e.Low, e.High = math.Exp(logR), math.Exp(logR-z95*se), math.Exp(logR+z95*se)
	switch {
	case e.High < 1:
		e.Direction = "fell"
	case e.Low > 1:
		e.Direction = "rose"
	default:
		e.Direction = "unclear"
	}
	return e
}

// Percents are the change and its interval in whole percent, as a verdict
// reads them: for "fell", the fall (40 for a ratio of 0.6) with the interval
// from the smaller fall; for "rose" and "unclear", the signed change.
func (e Effect) Percents() (change, from, to int) {
	pc := func(r float64) int { return int(math.Round(100 * (r - 1))) }
	if e.Direction == "fell" {
		return -pc(e.Ratio), -pc(e.High), -pc(e.Low)
	}
	return pc(e.Ratio), pc(e.Low), pc(e.High)
}

// Sentence is the verdict in English for the API, as the topic page says
// it in the reader's language: "fell by 40% (25–55%) against similar grids".
func (e Effect) Sentence() string {
	c, lo, hi := e.Percents()
	switch e.Direction {
	case "fell":
		return fmt.Sprintf("fell by %d%% (%d–%d%%) against similar grids", c, lo, hi)
	case "rose":
		return fmt.Sprintf("rose by %d%% (%d–%d%%) against similar grids", c, lo, hi)
	case "unclear":
		return fmt.Sprintf("no clear change against similar grids (%+d%%, between %+d%% and %+d%%)", c, lo, hi)
	}
	return "not enough demands to measure yet"
}
