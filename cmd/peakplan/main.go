// Command peakplan plans a year of marketing spend around the festival
// calendar. See README.md for a tour.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], defaultStreams()))
}
