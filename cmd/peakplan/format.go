package main

import (
	"fmt"
	"math"
	"strings"
)

// money formats an amount with thousands separators and no decimals.
func money(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprint(v)
	}
	neg := v < 0
	s := fmt.Sprintf("%.0f", math.Abs(v))
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg && s != "0" {
		return "-" + b.String()
	}
	return b.String()
}

// percent formats a fraction as a percentage.
func percent(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

// signedPercent formats a fraction as a signed percentage.
func signedPercent(f float64) string { return fmt.Sprintf("%+.1f%%", 100*f) }
