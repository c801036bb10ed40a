// Package calendar holds civil dates and the built-in festival presets.
package calendar

import (
	"fmt"
	"time"
)

// Date is a civil date, counted in days since 1970-01-01. Plans work in whole
// days, so a plain day number avoids time zones and makes day arithmetic
// exact.
type Date int32

// MakeDate returns the date of year, month and day, normalising overflow the
// way time.Date does.
func MakeDate(year int, month time.Month, day int) Date {
	return Date(time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// ParseDate reads an ISO date (YYYY-MM-DD) and rejects dates that do not
// exist, such as 2027-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a date of the form YYYY-MM-DD that exists", s)
	}
	return Date(t.Unix() / 86400), nil
}

// Time returns midnight UTC of the date.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String formats the date as YYYY-MM-DD.
func (d Date) String() string { return d.Time().Format("2006-01-02") }

// Year returns the calendar year.
func (d Date) Year() int { return d.Time().Year() }

// Month returns the calendar month.
func (d Date) Month() time.Month { return d.Time().Month() }

// Day returns the day of the month.
func (d Date) Day() int { return d.Time().Day() }

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// AddDays returns the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// DaysUntil returns the number of days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int { return int(e - d) }
