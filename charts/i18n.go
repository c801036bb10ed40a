package charts

// labels holds every fixed text of the report in one language. None of these
// is user text; user text (names, titles) is always passed as data.
type labels struct {
	HTMLLang string
	Report   string

	Horizon, Objective, Solver string
	Objectives                 map[string]string
	Statuses                   map[string]string

	Spend, Revenue, ROAS, Profit            string
	Incremental                             string
	UpliftRevenue, UpliftProfit             string
	VsEven                                  string
	FestivalConcentration, FestivalShareFmt string
	MarginalROAS, MarginalROASNote          string
	Concentration                           string
	EvenRevenueIs                           string

	BattleMap, BattleMapNote     string
	EvenSpend                    string
	Festivals, Slumps            string
	RevenueOverTime, RevenueNote string
	PerPeriod, Cumulative        string
	Plan, Even                   string
	PlanRevenue, EvenRevenue     string

	ScaleEffects, ScaleNote                    string
	NormalWeek, AtFestival, OperatingPoints    string
	BestAverage, BestAverageNote               string
	WeeklySpend, WeeklyRevenue                 string
	SCurve, Concave                            string
	ChannelSplit, ChannelSplitNote             string
	Channel, ShareOfSpend, SpendAndRevenue     string
	Total                                      string
	Frontier, FrontierNote                     string
	Budget, CurrentBudget, BreakEven           string
	OptimalRevenue, OptimalProfit              string
	Uncertainty, UncertaintyNote               string
	P10, P50, P90, Mean                        string
	LossProbability, BeatsEvenProbability      string
	Samples, RevenueDistribution, Draws        string
	MonthTable, MonthTableNote, Month, CopyTSV string
	Copied                                     string
	GeneratedBy                                string
	Period                                     string
	NoChannels                                 string
	Shape                                      string
}

var labelsEN = labels{
	HTMLLang: "en",
	Report:   "Marketing plan report",

	Horizon:   "Horizon",
	Objective: "Objective",
	Solver:    "Solver",
	Objectives: map[string]string{
		"revenue": "maximise revenue",
		"profit":  "maximise profit",
		"spend":   "minimise spend",
	},
	Statuses: map[string]string{
		"optimal":    "optimal",
		"feasible":   "feasible (not proven optimal)",
		"infeasible": "infeasible",
	},

	Spend:                 "Spend",
	Revenue:               "Incremental revenue",
	ROAS:                  "ROAS",
	Profit:                "Profit",
	Incremental:           "incremental",
	UpliftRevenue:         "Revenue vs even",
	UpliftProfit:          "Profit vs even",
	VsEven:                "over spreading the same budget evenly",
	FestivalConcentration: "Festival concentration",
	FestivalShareFmt:      "of spend falls on festival days, which are %s of the days",
	MarginalROAS:          "Marginal ROAS",
	MarginalROASNote:      "revenue from one more unit of budget",
	Concentration:         "concentration",
	EvenRevenueIs:         "even baseline",

	BattleMap:       "Battle map",
	BattleMapNote:   "Spend per period, stacked by channel. Shaded bands are festival windows; the dashed line is the even baseline's spend.",
	EvenSpend:       "Even baseline",
	Festivals:       "Festivals",
	Slumps:          "Slumps",
	RevenueOverTime: "Revenue over time",
	RevenueNote:     "The plan's incremental revenue per period against the even baseline's, and both cumulated.",
	PerPeriod:       "Per period",
	Cumulative:      "Cumulative",
	Plan:            "Plan",
	Even:            "Even",
	PlanRevenue:     "Plan",
	EvenRevenue:     "Even baseline",

	ScaleEffects:     "Scale effects",
	ScaleNote:        "Each channel's weekly revenue against a steady weekly spend, in a normal week and at its strongest festival, with the plan's operating points. On S-curves, below the marked spend most money is wasted.",
	NormalWeek:       "Normal week",
	AtFestival:       "At festival",
	OperatingPoints:  "Plan's weeks",
	BestAverage:      "Best average return",
	BestAverageNote:  "best average return at",
	WeeklySpend:      "Weekly spend",
	WeeklyRevenue:    "Weekly revenue",
	SCurve:           "S-curve",
	Concave:          "concave",
	ChannelSplit:     "Channel split",
	ChannelSplitNote: "Spend, incremental revenue and ROAS by channel.",
	Channel:          "Channel",
	ShareOfSpend:     "Share of spend",
	SpendAndRevenue:  "Spend and revenue",
	Total:            "Total",

	Frontier:       "Budget frontier",
	FrontierNote:   "The best achievable revenue and profit at each budget, and the marginal ROAS of the last unit.",
	Budget:         "Budget",
	CurrentBudget:  "Current budget",
	BreakEven:      "Break-even",
	OptimalRevenue: "Optimal revenue",
	OptimalProfit:  "Optimal profit",

	Uncertainty:          "Uncertainty",
	UncertaintyNote:      "The plan simulated under the scenario's stated uncertainty.",
	P10:                  "P10",
	P50:                  "P50",
	P90:                  "P90",
	Mean:                 "Mean",
	LossProbability:      "Chance of a loss",
	BeatsEvenProbability: "Chance to beat even",
	Samples:              "draws",
	RevenueDistribution:  "Distribution of revenue",
	Draws:                "Draws",

	MonthTable:     "The plan as a table",
	MonthTableNote: "Spend by month and channel, in whole currency units: select the table (or use the button) and paste it into a sheet.",
	Month:          "Month",
	CopyTSV:        "Copy table",
	Copied:         "Copied",
	GeneratedBy:    "Generated by peakplan",
	Period:         "Period",
	NoChannels:     "The plan has no channels.",
	Shape:          "curve",
}

var labelsZH = labels{
	HTMLLang: "zh-CN",
	Report:   "营销预算计划报告",

	Horizon:   "计划周期",
	Objective: "目标",
	Solver:    "求解状态",
	Objectives: map[string]string{
		"revenue": "收入最大化",
		"profit":  "利润最大化",
		"spend":   "花费最小化",
	},
	Statuses: map[string]string{
		"optimal":    "最优",
		"feasible":   "可行（未证明最优）",
		"infeasible": "不可行",
	},

	Spend:                 "总花费",
	Revenue:               "增量收入",
	ROAS:                  "ROAS",
	Profit:                "利润",
	Incremental:           "增量",
	UpliftRevenue:         "收入较平均投放",
	UpliftProfit:          "利润较平均投放",
	VsEven:                "相比同预算平均投放（细水长流）",
	FestivalConcentration: "大促集中度",
	FestivalShareFmt:      "的花费落在大促期（大促天数仅占 %s）",
	MarginalROAS:          "边际 ROAS",
	MarginalROASNote:      "再多投一元带来的收入",
	Concentration:         "集中度",
	EvenRevenueIs:         "平均投放",

	BattleMap:       "作战地图",
	BattleMapNote:   "各期花费按渠道堆叠。阴影带为大促窗口，虚线为平均投放的花费。",
	EvenSpend:       "平均投放",
	Festivals:       "大促",
	Slumps:          "淡季",
	RevenueOverTime: "收入走势",
	RevenueNote:     "计划各期增量收入与平均投放对比，以及两者的累计。",
	PerPeriod:       "每期",
	Cumulative:      "累计",
	Plan:            "计划",
	Even:            "平均投放",
	PlanRevenue:     "计划",
	EvenRevenue:     "平均投放",

	ScaleEffects:     "规模效应",
	ScaleNote:        "各渠道在稳定周花费下的周收入：平常周与最强大促期的响应曲线，以及计划的实际投放点。S 型曲线上，低于标记花费的投入大多浪费。",
	NormalWeek:       "平常周",
	AtFestival:       "大促期",
	OperatingPoints:  "计划各周",
	BestAverage:      "平均回报最高点",
	BestAverageNote:  "平均回报最高点",
	WeeklySpend:      "周花费",
	WeeklyRevenue:    "周收入",
	SCurve:           "S 型曲线",
	Concave:          "边际递减",
	ChannelSplit:     "渠道分配",
	ChannelSplitNote: "各渠道的花费、增量收入与 ROAS。",
	Channel:          "渠道",
	ShareOfSpend:     "花费占比",
	SpendAndRevenue:  "花费与收入",
	Total:            "合计",

	Frontier:       "预算前沿",
	FrontierNote:   "不同预算下可达到的最优收入与利润，以及最后一元的边际 ROAS。",
	Budget:         "预算",
	CurrentBudget:  "当前预算",
	BreakEven:      "盈亏平衡",
	OptimalRevenue: "最优收入",
	OptimalProfit:  "最优利润",

	Uncertainty:          "不确定性",
	UncertaintyNote:      "按情景设定的不确定性对计划进行模拟。",
	P10:                  "P10",
	P50:                  "P50",
	P90:                  "P90",
	Mean:                 "均值",
	LossProbability:      "亏损概率",
	BeatsEvenProbability: "胜过平均投放的概率",
	Samples:              "次模拟",
	RevenueDistribution:  "收入分布",
	Draws:                "次数",

	MonthTable:     "计划明细表",
	MonthTableNote: "按月份与渠道的花费（整数货币单位）：选中表格（或点按钮）后可直接粘贴到表格软件。",
	Month:          "月份",
	CopyTSV:        "复制表格",
	Copied:         "已复制",
	GeneratedBy:    "由 peakplan 生成",
	Period:         "期间",
	NoChannels:     "计划中没有渠道。",
	Shape:          "曲线",
}
