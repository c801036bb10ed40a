package scenarios

// Granularity is the length of a planning period.
type Granularity string

// The granularities of model.md.
const (
	Day   Granularity = "day"
	Week  Granularity = "week"
	Month Granularity = "month"
)

// Objective is what the optimiser maximises or minimises.
type Objective string

// The objectives of model.md.
const (
	MaximiseRevenue Objective = "revenue"
	MaximiseProfit  Objective = "profit"
	MinimiseSpend   Objective = "spend"
)

// CurveKind names a response curve family.
type CurveKind string

// The response curves of model.md.
const (
	Hill        CurveKind = "hill"
	Exponential CurveKind = "exponential"
	Logistic    CurveKind = "logistic"
	Linear      CurveKind = "linear"
)

// Scenario is a scenario file as written, with the position of every value
// so that validation can point at the node that causes a problem.
type Scenario struct {
	File          string
	Version       Num
	Name          Text
	Currency      Text
	Horizon       Horizon
	Objective     Text
	Margin        Num
	TargetRevenue Num
	MinROAS       Num
	Budget        Budget
	Festivals     []Festival
	Channels      []Channel
	Groups        []Group
	Uncertainty   *Uncertainty

	pos         Pos // the top-level mapping
	channelsPos Pos // the value of channels, when given
}

// rootPos is where complaints about a missing top-level field point: the
// top-level mapping, or the start of the file.
func (s *Scenario) rootPos() Pos {
	if s.pos.Line > 0 {
		return s.pos
	}
	return Pos{Line: 1, Col: 1}
}

// Horizon is the planning horizon.
type Horizon struct {
	Pos         Pos
	Start, End  DateVal
	Granularity Text
}

// Budget holds the total budget and the cash-flow windows.
type Budget struct {
	Pos     Pos
	Total   Num
	Windows []BudgetWindow
}

// BudgetWindow limits the spend that falls inside [From, To].
type BudgetWindow struct {
	Pos      Pos
	From, To DateVal
	Min, Max Num
}

// Festival is a preset reference or a custom festival window.
type Festival struct {
	Pos       Pos
	Preset    Text
	Name      Text
	From, To  DateVal
	Uplift    Num
	CostIndex Num
	Overrides []FestivalOverride
}

// FestivalOverride gives one channel its own uplift or cost index.
type FestivalOverride struct {
	Pos       Pos
	Channel   Text
	Uplift    Num
	CostIndex Num
}

// Channel is one marketing channel.
type Channel struct {
	Pos              Pos
	Name             Text
	Kind             Text
	Response         Response
	Carryover        Num
	Spend            Range
	PerWeek          Range
	MinActivePerWeek Num
	Available        []Window
}

// Response is a channel's response curve, given by parameters or by
// calibration points.
type Response struct {
	Pos            Pos
	Curve          Text
	Beta           Num
	HalfSaturation Num
	Shape          Num
	ROAS           Num
	BetaCV         Num
	Points         []Point
	PointsPos      Pos
}

// Point is a calibration point: steady weekly spend and the weekly
// incremental revenue it brings in a normal week.
type Point struct {
	Pos     Pos
	Spend   float64
	Revenue float64
}

// Range is an optional minimum and maximum.
type Range struct {
	Pos      Pos
	Min, Max Num
}

// Window is a span of dates.
type Window struct {
	Pos      Pos
	From, To DateVal
}

// Group limits the share of total spend that its channels take.
type Group struct {
	Pos      Pos
	Name     Text
	Channels []Text
	MinShare Num
	MaxShare Num
}

// Uncertainty is the spread of the model's inputs for Monte Carlo runs.
type Uncertainty struct {
	Pos         Pos
	Samples     Num
	Seed        Num
	BetaCV      Num
	UpliftCV    Num
	CostIndexCV Num
}
