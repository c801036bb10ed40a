package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// isTerminal reports whether w is a terminal, where a progress bar helps
// rather than litters a log.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar draws "label [#####-----]  50%" on one terminal line,
// redrawing only when the shown percentage changes; a nil bar draws
// nothing. Its callers never call update concurrently.
type progressBar struct {
	w     io.Writer
	label string
	shown int
	drawn bool
}

// progressBarWidth is the number of cells of the bar.
const progressBarWidth = 30

func (b *progressBar) update(done, total int) {
	pct := 100 * done / max(total, 1)
	if b.drawn && pct == b.shown {
		return
	}
	b.shown, b.drawn = pct, true
	full := progressBarWidth * done / max(total, 1)
	fmt.Fprintf(b.w, "\r%s [%s%s] %3d%%", b.label, strings.Repeat("#", full), strings.Repeat("-", progressBarWidth-full), pct)
}

// finish clears the bar's line so that what follows starts clean.
func (b *progressBar) finish() {
	if b != nil && b.drawn {
		fmt.Fprint(b.w, "\r\033[K")
	}
}
