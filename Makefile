# peakplan: `make demo` runs the example, `make test` runs every test.
# Both install what a fresh Debian/Ubuntu machine lacks (see `make deps`).

GO        ?= go
BIN       := bin/peakplan
OUT       := out
EXAMPLE   := examples/skincare-2027.yaml
# The fuzz budget is a count of inputs, not a duration: Go 1.26's fuzz
# coordinator can fail a -fuzztime=15s run with "context deadline exceeded"
# when the deadline falls while a worker is still minimising an input
# (go.dev/issue/75804). A count has no deadline to race. Minimising a new
# input is capped so one large YAML input cannot hold a worker for a minute.
FUZZTIME  ?= 200000x
FUZZMINIMIZE ?= 5s
# A report renders a whole page per input, some 100 times slower.
FUZZTIME_REPORT ?= 10000x
VERSION   := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)

.PHONY: all build demo test unit fuzz lint deps deps-glpk deps-browser deps-npm assets bench screenshot clean

all: build

## deps: install the system packages peakplan needs (GLPK; Chromium for the browser tests)
deps: deps-glpk deps-browser deps-npm

deps-glpk:
	@scripts/need-package.sh /usr/include/glpk.h libglpk-dev

deps-browser:
	@scripts/need-package.sh /usr/bin/chromium chromium

deps-npm:
	@scripts/need-package.sh npm npm

## assets: fetch the pinned ECharts script the HTML report inlines, checked against its sha256
assets: deps-npm
	@bash charts/assets/fetch.sh

## build: the peakplan binary in bin/
build: deps-glpk assets
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/peakplan

## demo: optimise the example scenario, write a plan and a report into out/
demo: build
	@mkdir -p $(OUT)
	$(BIN) validate $(EXAMPLE)
	$(BIN) optimize $(EXAMPLE) -o $(OUT)/plan.yaml --html $(OUT)/report.html
	@echo
	@echo "Plan:   $(OUT)/plan.yaml"
	@echo "Report: $(OUT)/report.html (open it in a browser; it works offline)"

## test: lint, every unit, end-to-end and browser test, and a short fuzz run
test: deps assets lint unit fuzz

unit:
	$(GO) test -count=1 ./...

fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzLoad -fuzztime=$(FUZZTIME) -fuzzminimizetime=$(FUZZMINIMIZE) ./scenarios/
	$(GO) test -run='^$$' -fuzz=FuzzReportFromPlanFile -fuzztime=$(FUZZTIME_REPORT) -fuzzminimizetime=$(FUZZMINIMIZE) ./charts/

## lint: gofmt (fails on unformatted files) and go vet
lint:
	@bad=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$bad" ]; then echo "gofmt would change:"; echo "$$bad"; exit 1; fi
	$(GO) vet ./...

## bench: the solver benchmarks of docs/benchmarks.md
bench: deps-glpk
	$(GO) test -run='^$$' -bench=. -benchmem -timeout=60m ./optimize/

## screenshot: docs/report.png from the example scenario, for the README
screenshot: demo deps-browser
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	  --disable-background-networking --disable-component-update --disable-sync \
	  --user-data-dir=$$(mktemp -d) --hide-scrollbars --window-size=1400,3900 \
	  --screenshot=docs/report.png file://$(CURDIR)/$(OUT)/report.html

clean:
	rm -rf bin $(OUT)
