package charts

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium package.
const chromiumPath = "/usr/bin/chromium"

// requireBrowserPrereqs skips the test (or fails it under CI) when the
// browser or the ECharts script is missing.
func requireBrowserPrereqs(t *testing.T) {
	t.Helper()
	missing := func(msg string) {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s (CI is set, so this fails instead of skipping)", msg)
		}
		t.Skip(msg)
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		missing("headless browser test needs Debian's chromium at " + chromiumPath + ": apt-get install -y chromium")
	}
	requireScript(t)
}

func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("PEAKPLAN_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "peakplan-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifacts directory: %v", err)
	}
	return dir
}

// chartState is what the page reports about one chart container.
type chartState struct {
	ID       string `json:"id"`
	Instance bool   `json:"instance"`
	Series   int    `json:"series"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	Painted  int    `json:"painted"` // sampled pixels that are not transparent
}

const chartStateJS = `(() => Array.from(document.querySelectorAll('div.chart')).map(el => {
  const r = {id: el.id, instance: false, series: 0, width: 0, height: 0, painted: 0};
  const inst = window.echarts ? echarts.getInstanceByDom(el) : null;
  if (inst) { r.instance = true; r.series = (inst.getOption().series || []).length; }
  const cv = el.querySelector('canvas');
  if (cv && cv.width > 0 && cv.height > 0) {
    r.width = cv.width; r.height = cv.height;
    const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
    for (let i = 3; i < d.length; i += 4 * 5) { if (d[i] !== 0) r.painted++; }
  }
  return r;
}))()`

// showTipsJS opens the tooltip of every series of every chart (exercising
// the page's tooltip formatter with the user's names) and returns the text
// the tooltips showed.
const showTipsJS = `(() => {
  const out = [];
  if (!window.echarts) return '';
  document.querySelectorAll('div.chart').forEach(el => {
    const c = echarts.getInstanceByDom(el);
    if (!c) return;
    (c.getOption().series || []).forEach((s, i) => {
      if (!s.data || !s.data.length) return;
      c.dispatchAction({type: 'showTip', seriesIndex: i, dataIndex: Math.floor(s.data.length / 2)});
      out.push(el.innerText);
    });
    c.dispatchAction({type: 'hideTip'});
  });
  return out.join('\n');
})()`

// newBrowser starts headless Chromium with a fresh profile and the
// background services that would reach the network turned off.
func newBrowser(t *testing.T, ctx context.Context) (context.Context, context.CancelFunc) {
	t.Helper()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(browserCtx); err != nil {
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("starting chromium: %v", err)
	}
	return browserCtx, func() { cancelBrowser(); cancelAlloc() }
}

type pageProblems struct {
	mu       sync.Mutex
	console  []string
	dialogs  []string
	requests []string
}

func (p *pageProblems) add(list *[]string, s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	*list = append(*list, s)
}

func (p *pageProblems) snapshot() (console, dialogs, requests []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.console...), append([]string(nil), p.dialogs...), append([]string(nil), p.requests...)
}

func TestBrowserReport(t *testing.T) {
	requireBrowserPrereqs(t)
	arts := artifactsDir(t)
	t.Logf("screenshots go to %s", arts)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	browserCtx, cancelBrowser := newBrowser(t, ctx)
	defer cancelBrowser()

	cases := []struct {
		name    string
		report  Report
		lang    string
		mustSee []string
	}{
		{"report-en", fixtureReport(false), "en", []string{"天猫搜索", "抖音直播", "Brand X · 2027 plan", "Double 11", "Battle map"}},
		{"report-zh", fixtureReport(false), "zh", []string{"天猫搜索", "抖音直播", "作战地图", "预算前沿"}},
		{"report-hostile", fixtureReport(true), "en", []string{payloadScript, payloadFunc, payloadTitle, payloadFest, "天猫搜索", "抖音直播"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.name+".html")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := Render(f, tc.report, Options{Lang: tc.lang}); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			checkPage(t, browserCtx, path, tc.mustSee, tc.report, tc.lang, filepath.Join(arts, tc.name+".png"))
		})
	}
	t.Run("control", func(t *testing.T) { checkControl(t, browserCtx) })
}

// pageResult is what loading a report in the browser showed.
type pageResult struct {
	States   []chartState
	Text     string         // document.body.innerText
	Tips     string         // the text of every tooltip, opened one by one
	Elements map[string]int // counts of script and img elements
	Console  []string       // console errors, warnings and exceptions (CSP violations included)
	Dialogs  []string       // JavaScript dialogs that opened (and were dismissed)
	Requests []string       // requests other than the page itself (all refused)
	Money    []string       // the page's money format of moneySamples
}

var moneySamples = []float64{0, 3.456, 950, 999.6, 8500, 99_960, 125_000, 999_960, 1_200_000, 12_345_678,
	99_999_999, 125_000_000, 340_000_000, 3.4e9, 2.5e12, -1_200_000}

// loadPage opens the file in a new tab with the network refused, waits until
// every chart has painted (or the wait ends), saves a full-page screenshot
// when shot is not empty, opens every tooltip, and reports what it saw.
func loadPage(t *testing.T, browserCtx context.Context, path, shot string, wait time.Duration) *pageResult {
	t.Helper()
	tab, cancel := chromedp.NewContext(browserCtx)
	defer cancel()
	pageURL := (&url.URL{Scheme: "file", Path: path}).String()

	var pr pageProblems
	// Subscribe before anything runs in the tab; the iterators buffer events.
	messages := chromedp.Console(tab)
	dialogs := chromedp.Events(tab, page.JavascriptDialogOpening)
	paused := chromedp.Events(tab, fetch.RequestPaused)
	sent := chromedp.Events(tab, network.RequestWillBeSent)
	var wg sync.WaitGroup
	wg.Go(func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			switch m.Type {
			case chromedp.ConsoleError, chromedp.ConsoleException, chromedp.ConsoleWarning:
				pr.add(&pr.console, fmt.Sprintf("%s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line+1))
			}
		}
	})
	wg.Go(func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			pr.add(&pr.dialogs, fmt.Sprintf("%s: %q", ev.Type, ev.Message))
			_, _ = chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	})
	wg.Go(func() {
		// Refuse the network: only the report itself may load.
		for ev, err := range paused {
			if err != nil {
				return
			}
			if ev.Request != nil && ev.Request.URL == pageURL {
				_, _ = chromedp.Call(tab, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
				continue
			}
			u := "?"
			if ev.Request != nil {
				u = ev.Request.URL
			}
			pr.add(&pr.requests, "refused "+u)
			_, _ = chromedp.Call(tab, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		}
	})
	wg.Go(func() {
		for ev, err := range sent {
			if err != nil {
				return
			}
			if ev.Request != nil && ev.Request.URL != pageURL {
				pr.add(&pr.requests, "requested "+ev.Request.URL)
			}
		}
	})
	defer func() {
		cancel()
		wg.Wait()
	}()

	if _, err := chromedp.Call(tab, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		t.Fatalf("Fetch.enable: %v", err)
	}
	tl := time.Now()
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(pageURL)); err != nil {
		t.Fatalf("loading %s: %v", pageURL, err)
	}

	t.Logf("loaded in %v", time.Since(tl).Round(time.Millisecond))
	res := &pageResult{}
	t0 := time.Now()
	deadline := time.Now().Add(wait)
	for {
		var err error
		res.States, err = chromedp.Run(tab, chromedp.Evaluate[[]chartState](chartStateJS))
		if err != nil {
			t.Fatalf("reading chart state: %v", err)
		}
		ok := len(res.States) > 0
		for _, s := range res.States {
			ok = ok && s.Instance && s.Painted > 200
		}
		if ok || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("charts painted after %v", time.Since(t0).Round(time.Millisecond))
	var err error
	if res.Text, err = chromedp.Run(tab, chromedp.Evaluate[string](`document.body.innerText`)); err != nil {
		t.Fatal(err)
	}
	if res.Elements, err = chromedp.Run(tab, chromedp.Evaluate[map[string]int](
		`({scripts: document.scripts.length, images: document.images.length})`)); err != nil {
		t.Fatal(err)
	}
	if shot != "" {
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if err := os.WriteFile(shot, png, 0o644); err != nil {
			t.Fatalf("writing screenshot: %v", err)
		}
		t.Logf("screenshot: %s (%v after load)", shot, time.Since(t0).Round(time.Millisecond))
	}
	samples, _ := json.Marshal(moneySamples)
	if res.Money, err = chromedp.Run(tab, chromedp.Evaluate[[]string](
		`(window.PEAKPLAN && PEAKPLAN.money) ? `+string(samples)+`.map(v => PEAKPLAN.money(v)) : []`)); err != nil {
		t.Fatal(err)
	}
	if res.Tips, err = chromedp.Run(tab, chromedp.Evaluate[string](showTipsJS)); err != nil {
		t.Fatalf("showing tooltips: %v", err)
	}
	// Let late events arrive.
	time.Sleep(150 * time.Millisecond)
	res.Console, res.Dialogs, res.Requests = pr.snapshot()
	return res
}

func checkPage(t *testing.T, browserCtx context.Context, path string, mustSee []string, r Report, lang, shot string) {
	t.Helper()
	res := loadPage(t, browserCtx, path, shot, 10*time.Second)

	// The page's money format (axis labels, tooltips) matches FormatMoney.
	for i, v := range moneySamples {
		if want := FormatMoney(v, r.Currency, lang); res.Money[i] != want {
			t.Errorf("page formats %v as %q, FormatMoney as %q", v, res.Money[i], want)
		}
	}

	// Every chart draws.
	wantCharts := 3 + 2 // battle map, revenue x2, channel split x2
	for _, c := range r.Channels {
		if c.Curve != nil && len(c.Curve.Normal) > 0 {
			wantCharts++
		}
	}
	if r.Frontier != nil {
		wantCharts++
	}
	if r.Uncertainty != nil && r.Uncertainty.Histogram != nil {
		wantCharts++
	}
	if len(res.States) != wantCharts {
		t.Errorf("page has %d chart containers, want %d", len(res.States), wantCharts)
	}
	for _, s := range res.States {
		if !s.Instance || s.Series == 0 || s.Painted <= 200 {
			t.Errorf("chart %s did not draw: %+v", s.ID, s)
		}
	}
	// User text shows as text, and nothing from it became markup.
	for _, s := range mustSee {
		if !strings.Contains(res.Text, s) {
			t.Errorf("page text lacks %q", s)
		}
	}
	if res.Elements["scripts"] != 2 || res.Elements["images"] != 0 {
		t.Errorf("unexpected elements in the page: %v (want 2 scripts, 0 images)", res.Elements)
	}
	// Tooltips are HTML: every channel name showed in one as text.
	for _, c := range r.Channels {
		if !strings.Contains(res.Tips, c.Name) {
			t.Errorf("no tooltip showed the channel name %q as text", c.Name)
		}
	}
	for _, m := range res.Console {
		t.Errorf("console: %s", m)
	}
	for _, d := range res.Dialogs {
		t.Errorf("a JavaScript dialog opened: %s", d)
	}
	for _, u := range res.Requests {
		t.Errorf("outside request: %s", u)
	}
}

// checkControl is the control of the checks above: a page
// that logs an error, opens a dialog and asks for an outside resource (on
// the loopback, where nothing listens) must be caught on all three counts.
func checkControl(t *testing.T, browserCtx context.Context) {
	path := filepath.Join(t.TempDir(), "bad.html")
	bad := `<!DOCTYPE html><html><head><meta charset="utf-8"><title>bad</title></head><body>
<div class="chart" id="chart-x"></div>
<img src="http://127.0.0.1:9/peakplan-test.png" alt="">
<script>console.error("peakplan test error"); alert("peakplan test dialog");</script>
</body></html>`
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	res := loadPage(t, browserCtx, path, "", 0)
	if !containsAny(res.Console, "peakplan test error") {
		t.Errorf("the console error was not caught: %q", res.Console)
	}
	if !containsAny(res.Dialogs, "peakplan test dialog") {
		t.Errorf("the dialog was not caught: %q", res.Dialogs)
	}
	if !containsAny(res.Requests, "127.0.0.1:9/peakplan-test.png") {
		t.Errorf("the outside request was not caught: %q", res.Requests)
	}
	if len(res.States) != 1 || res.States[0].Instance {
		t.Errorf("chart state of an empty container: %+v", res.States)
	}

	// With our CSP, an injected inline script is refused (and reported).
	path2 := filepath.Join(t.TempDir(), "injected.html")
	var b strings.Builder
	if err := Render(&b, fixtureReport(false), Options{}); err != nil {
		t.Fatal(err)
	}
	injected := strings.Replace(b.String(), "<footer>", `<script>alert("injected")</script><footer>`, 1)
	if err := os.WriteFile(path2, []byte(injected), 0o644); err != nil {
		t.Fatal(err)
	}
	res = loadPage(t, browserCtx, path2, "", 5*time.Second)
	if len(res.Dialogs) != 0 {
		t.Errorf("an injected inline script ran despite the CSP: %q", res.Dialogs)
	}
	if !containsAny(res.Console, "Content Security Policy") {
		t.Errorf("the CSP refusal was not reported: %q", res.Console)
	}
}

func containsAny(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
