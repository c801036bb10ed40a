package charts

import (
	"math"
	"strconv"
	"strings"
)

// CurrencySymbol is the prefix FormatMoney puts before an amount: ¥ for CNY
// (and RMB), $ for USD, € for EUR, otherwise the code itself followed by a
// space ("GBP 1.2M"); nothing for an empty code.
func CurrencySymbol(currency string) string {
	switch strings.ToUpper(strings.TrimSpace(currency)) {
	case "CNY", "RMB":
		return "¥"
	case "USD":
		return "$"
	case "EUR":
		return "€"
	case "":
		return ""
	default:
		return strings.TrimSpace(currency) + " "
	}
}

type moneyUnit struct {
	size   float64
	suffix string
}

var (
	unitsEN = []moneyUnit{{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}}
	unitsZH = []moneyUnit{{1e12, "万亿"}, {1e8, "亿"}, {1e4, "万"}}
)

// FormatMoney formats an amount in the given currency with readable units:
// English uses K, M, B, T (¥1.2M, $850K, €3.4B); Chinese ("zh") uses 万, 亿,
// 万亿 (¥120万, ¥3.4亿). Amounts below the smallest unit are whole numbers
// with thousands separators (¥8,500). A scaled amount keeps one decimal below
// 100 and none from 100 on (¥12.5M, ¥125M), rounding half up, and trailing
// ".0" is dropped (¥1M). Negative amounts read -¥1.2M; NaN and infinities read "–".
func FormatMoney(v float64, currency, lang string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	sign := ""
	if v < 0 {
		sign = "-"
		v = -v
	}
	return sign + CurrencySymbol(currency) + formatScaled(v, lang)
}

// formatScaled formats a non-negative amount with units, without currency.
func formatScaled(v float64, lang string) string {
	units := unitsEN
	if isZH(lang) {
		units = unitsZH
	}
	// Pick the largest unit the amount reaches; if rounding pushes the scaled
	// figure up to the next unit (999.96K), move up.
	idx := len(units) // index into units; len(units) = no unit
	for i, u := range units {
		if v >= u.size {
			idx = i
			break
		}
	}
	for {
		if idx == len(units) {
			r := math.Round(v)
			if len(units) > 0 && r >= units[len(units)-1].size {
				idx = len(units) - 1
				continue
			}
			if v < 10 && v != r {
				return trimZeros(strconv.FormatFloat(math.Round(v*100)/100, 'f', 2, 64))
			}
			return groupThousands(strconv.FormatFloat(r, 'f', 0, 64))
		}
		u := units[idx]
		s := v / u.size
		// Round half up, the same way as the page script (app.js) does.
		var txt string
		if r1 := math.Round(s*10) / 10; r1 < 100 {
			txt = trimZeros(strconv.FormatFloat(r1, 'f', 1, 64))
		} else {
			txt = strconv.FormatFloat(math.Round(s), 'f', 0, 64)
		}
		if idx > 0 {
			next := units[idx-1].size / u.size
			if f, _ := strconv.ParseFloat(txt, 64); f >= next {
				idx--
				continue
			}
		} else if len(txt) > 4 {
			txt = groupThousands(txt)
		}
		return txt + u.suffix
	}
}

func isZH(lang string) bool {
	return strings.HasPrefix(strings.ToLower(lang), "zh")
}

func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	return s
}

// groupThousands inserts commas into a string of digits (with an optional
// decimal part).
func groupThousands(s string) string {
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	if len(intPart) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(intPart) % 3
	if pre > 0 {
		b.WriteString(intPart[:pre])
	}
	for i := pre; i < len(intPart); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(intPart[i : i+3])
	}
	return b.String() + frac
}

// FormatPercent formats a fraction as a percentage with one decimal
// (0.253 -> "25.3%"); signed adds "+" to positive values (uplifts).
func FormatPercent(f float64, signed bool) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	p := f * 100
	txt := strconv.FormatFloat(p, 'f', 1, 64)
	if txt == "-0.0" {
		txt = "0.0"
	}
	if signed && !strings.HasPrefix(txt, "-") && txt != "0.0" {
		txt = "+" + txt
	}
	return txt + "%"
}

// FormatRatio formats a ROAS-like ratio with two decimals ("3.42").
func FormatRatio(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	return strconv.FormatFloat(f, 'f', 2, 64)
}

// formatPlain formats an amount as a whole number without separators, for
// tables meant to be pasted into a spreadsheet.
func formatPlain(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	r := math.Round(v)
	if r == 0 {
		return "0"
	}
	return strconv.FormatFloat(r, 'f', 0, 64)
}
