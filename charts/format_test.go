package charts

import (
	"math"
	"testing"
)

func TestFormatMoney(t *testing.T) {
	cases := []struct {
		v    float64
		cur  string
		lang string
		want string
	}{
		// English units.
		{1_200_000, "CNY", "en", "¥1.2M"},
		{1_000_000, "CNY", "en", "¥1M"},
		{850_000, "USD", "en", "$850K"},
		{12_345_678, "EUR", "en", "€12.3M"},
		{125_000_000, "CNY", "en", "¥125M"},
		{3_400_000_000, "CNY", "en", "¥3.4B"},
		{2.5e12, "CNY", "en", "¥2.5T"},
		{8_500, "CNY", "en", "¥8.5K"},
		{950, "CNY", "en", "¥950"},
		{0, "CNY", "en", "¥0"},
		{3.456, "USD", "en", "$3.46"},
		{-1_200_000, "CNY", "en", "-¥1.2M"},
		{999_960, "CNY", "en", "¥1M"},  // rounds up into the next unit
		{999.6, "CNY", "en", "¥1K"},    // likewise below the first unit
		{99_960, "CNY", "en", "¥100K"}, // one decimal below 100, none from 100
		{1_234_567, "GBP", "en", "GBP 1.2M"},
		{1_234_567, "", "en", "1.2M"},
		{1_234_567, "rmb", "", "¥1.2M"}, // empty lang is English
		// Chinese units.
		{1_200_000, "CNY", "zh", "¥120万"},
		{340_000_000, "CNY", "zh", "¥3.4亿"},
		{30_000_000, "CNY", "zh", "¥3000万"},
		{125_000, "CNY", "zh", "¥12.5万"},
		{125_000_000, "CNY", "zh", "¥1.3亿"}, // half up, as the page script rounds
		{8_500, "CNY", "zh", "¥8,500"},
		{99_999_999, "CNY", "zh", "¥1亿"},
		{1.5e12, "CNY", "zh", "¥1.5万亿"},
		{-45_000, "USD", "zh", "-$4.5万"},
		{1_200_000, "EUR", "zh-CN", "€120万"},
		// Not numbers.
		{math.NaN(), "CNY", "en", "–"},
		{math.Inf(1), "CNY", "zh", "–"},
	}
	for _, c := range cases {
		if got := FormatMoney(c.v, c.cur, c.lang); got != c.want {
			t.Errorf("FormatMoney(%v, %q, %q) = %q, want %q", c.v, c.cur, c.lang, got, c.want)
		}
	}
}

func TestFormatPercentAndRatio(t *testing.T) {
	if got := FormatPercent(0.2063, true); got != "+20.6%" {
		t.Errorf("signed uplift: %q", got)
	}
	if got := FormatPercent(-0.05, true); got != "-5.0%" {
		t.Errorf("negative uplift: %q", got)
	}
	if got := FormatPercent(-0.00001, true); got != "0.0%" {
		t.Errorf("tiny negative: %q", got)
	}
	if got := FormatPercent(0.41, false); got != "41.0%" {
		t.Errorf("share: %q", got)
	}
	if got := FormatRatio(3.2); got != "3.20" {
		t.Errorf("ratio: %q", got)
	}
	if got := FormatRatio(math.NaN()); got != "–" {
		t.Errorf("NaN ratio: %q", got)
	}
	if got := groupThousands("1234567.5"); got != "1,234,567.5" {
		t.Errorf("groupThousands: %q", got)
	}
	if got := formatPlain(1234567.6); got != "1234568" {
		t.Errorf("formatPlain: %q", got)
	}
}
