package scenarios

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The complete scenarios in docs/scenario.md load, so the reference never
// shows an example the tool refuses.
func TestDocsExamples(t *testing.T) {
	data, err := os.ReadFile("../docs/scenario.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(data), -1)
	complete := 0
	for i, b := range blocks {
		src := b[1]
		if !strings.Contains(src, "horizon:") || !strings.Contains(src, "channels:") {
			continue // a fragment
		}
		complete++
		if _, err := Load(strings.NewReader(src), "docs-example"); err != nil {
			t.Errorf("example %d of docs/scenario.md: %v", i+1, err)
		}
	}
	if complete < 2 {
		t.Errorf("%d complete examples in docs/scenario.md, want at least 2", complete)
	}
}
