# jobctl — see README.md. `make run` and `make test` work on a fresh Debian machine with Swift.
SWIFT      ?= swift
CONFIG     ?= jobs.conf.example
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_GET    := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get
RELEASE_BIN = .build/release/jobctl
BENCH_DIR   = .build/bench

.PHONY: lint deps browser-deps pg-deps alert-deps alerts-check bench-deps bench-postgres model-deps build release run run-cluster test model-check verify bench clean

# Installs the system packages the build needs when they are missing (non-interactive).
deps:
	@missing=""; \
	for p in libsqlite3-dev libpq-dev tzdata; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends $$missing; \
	fi

# Debian's chromium for the status page's browser test (about 15 s and 25 packages without
# recommends). Without it (no root, no sudo, no mirror) that one test skips with a message.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  echo "installing: chromium (the status page's browser test)"; \
	  { $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends chromium; } \
	    || echo "chromium could not be installed: the browser test will skip"; }

# PostgreSQL's server (for scripts/pg-test-cluster.sh) and PgBouncer, from Debian. The tests
# need a real server, so a failed install stops `make test` here with a message instead of
# letting them skip. The package may create (and, without a policy-rc.d, start) a `main`
# cluster on port 5432: harmless, our clusters use their own port and socket directory.
pg-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -x /usr/sbin/pgbouncer ] || command -v pgbouncer >/dev/null 2>&1 || missing="$$missing pgbouncer"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing (the PostgreSQL tests)"; \
	  { $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends $$missing; } || { \
	    echo "error: could not install$$missing; the PostgreSQL tests need a real server" \
	      "(see docs/postgres.md)" >&2; exit 1; }; \
	fi

# promtool, from Debian's prometheus package (about 96 MB), for alerts-check. Without it (no
# root, no sudo, no mirror) alerts-check skips with a message.
alert-deps:
	@command -v promtool >/dev/null 2>&1 || { \
	  echo "installing: prometheus (promtool, for the alert rules' check)"; \
	  { $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends prometheus; } \
	    || echo "prometheus could not be installed: the alert rules' check will skip"; }

# The alert rules parse, and each behaves as its test case says (docs/alerts.md).
alerts-check: alert-deps
	@if command -v promtool >/dev/null 2>&1; then \
	  promtool check rules docs/prometheus-alerts.yml && \
	  (cd docs && promtool test rules prometheus-alerts.test.yml); \
	else echo "skipped: promtool is not installed (make alert-deps)"; fi

# What `make bench` compares jobctl with, each skipped by its script with a message when it cannot
# be had: wrk (bench-http); APScheduler 3 and croniter from PyPI in a venv of our own
# ($(BENCH_DIR)/venv; python3-venv from Debian when venv is missing); Debian's cron, downloaded and
# unpacked into $(BENCH_DIR)/cron, not installed (no daemon is started, nothing is configured).
bench-deps:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "installing: wrk"; \
	  { $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends wrk; } \
	    || echo "wrk could not be installed: bench-http will skip"; }
	@$(BENCH_DIR)/venv/bin/python -c 'import apscheduler, croniter' 2>/dev/null || { \
	  echo "installing: APScheduler and croniter (pip, into $(BENCH_DIR)/venv)"; \
	  rm -rf $(BENCH_DIR)/venv; \
	  python3 -m venv $(BENCH_DIR)/venv >/dev/null 2>&1 || { rm -rf $(BENCH_DIR)/venv; \
	    $(APT_GET) install -y -qq --no-install-recommends python3-venv && python3 -m venv $(BENCH_DIR)/venv; }; \
	  $(BENCH_DIR)/venv/bin/pip install -q 'apscheduler>=3.10,<4' 'croniter>=2' \
	    || echo "APScheduler and croniter could not be installed: their figures will be skipped"; }
	@[ -x $(BENCH_DIR)/cron/usr/sbin/cron ] || { \
	  echo "unpacking: Debian's cron (apt-get download, into $(BENCH_DIR)/cron; not installed)"; \
	  rm -rf $(BENCH_DIR)/debs && mkdir -p $(BENCH_DIR)/debs && \
	  (cd $(BENCH_DIR)/debs && apt-get download -qq cron 2>/dev/null) && \
	  dpkg-deb -x $(BENCH_DIR)/debs/cron_*.deb $(BENCH_DIR)/cron \
	    || echo "Debian's cron could not be downloaded: its figures will be skipped"; }

# Debian's spin, and gcc (spin preprocesses with it and compiles its verifiers), for the model
# check. Unlike chromium, a tool that cannot be installed fails: the check is part of the proof.
model-deps:
	@missing=""; \
	for t in spin gcc; do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing (the model check of docs/model)"; \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends $$missing; \
	fi

# Builds every product: jobctl, and jobctl-dev (the development commands the end-to-end tests
# and benchmarks drive; not part of the product).
build: deps
	$(SWIFT) build

# The release build links the Swift runtime and Foundation statically, with lld, packed relative
# relocations (RELR, glibc 2.36 or later) and no exported symbols: an idle `jobctl run` holds about
# 7 MB less (docs/benchmarks.md#idle-memory). The binary is bigger: about 70 MB stripped (ICU's
# data is in it) instead of 16 MB plus the toolchain's shared libraries.
RELEASE_FLAGS = --static-swift-stdlib -Xswiftc -use-ld=lld \
	-Xlinker -z -Xlinker pack-relative-relocs -Xlinker --no-export-dynamic

release: deps
	$(SWIFT) build -c release $(RELEASE_FLAGS) --product jobctl
	$(SWIFT) build -c release $(RELEASE_FLAGS) --product jobctl-guard
	$(SWIFT) build -c release $(RELEASE_FLAGS) --product jobctl-dev
	$(SWIFT) build -c release $(RELEASE_FLAGS) --product jobctl-bench

# Creates the demo arcade database on first use (APP_DB of jobs.conf.example), then runs the
# scheduler in the foreground: the first run finalizes yesterday's pools by catch-up.
run: build
	@mkdir -p demo
	@[ -f demo/arcade.db ] || .build/debug/jobctl demo-data --app-db demo/arcade.db
	.build/debug/jobctl run --config $(CONFIG)

# Three `jobctl run` nodes on one throw-away PostgreSQL with the demo arcade data, the status page
# on the first (its token printed), and what to try (kill a node, SIGSTOP one, watch the fires carry
# on). Ctrl-C stops and removes everything. Jobs: cluster.conf.example; README "Several hosts".
run-cluster: build pg-deps
	sh scripts/run-cluster.sh

# The committed .swift-format (line length 120), enforced: `swift format -i -r Sources Tests` fixes
# most findings. The toolchain ships swift-format.
lint:
	$(SWIFT) format lint --strict -r Sources Tests

test: lint build browser-deps pg-deps model-deps alerts-check
	$(SWIFT) test --parallel
	$(MAKE) --no-print-directory model-check

# The several-hosts protocol (docs/several-hosts.md) checked by spin: docs/model/README.md.
model-check: model-deps
	sh docs/model/check.sh

# The same check with deeper bounds (several minutes).
verify: model-deps
	DEEP=1 sh docs/model/check.sh

# Every Benchmarks/bench-*.sh, then one table of their figures, jobctl beside its peers
# (docs/benchmarks.md). About 4.5 minutes plus about 8 for PostgreSQL (bench-postgres.sh); the first run adds
# the release build and about 7 minutes to load the 1M- and 10M-row histories (cached in
# .build/bench for a day).
bench: release bench-deps pg-deps
	@mkdir -p $(BENCH_DIR); results="$$(pwd)/$(BENCH_DIR)/results.tsv"; rm -f "$$results" "$$results.sections"; \
	start=$$(date +%s); \
	for b in Benchmarks/bench-*.sh; do echo "== $$b"; BENCH_RESULTS="$$results" sh $$b || exit 1; done; \
	echo; echo "== make bench: the figures ($$(( $$(date +%s) - start )) s in all)"; \
	python3 Benchmarks/report.py "$$results"

# The PostgreSQL benchmarks alone (Benchmarks/bench-postgres.sh), with their table.
bench-postgres: release pg-deps
	@mkdir -p $(BENCH_DIR); results="$$(pwd)/$(BENCH_DIR)/results-postgres.tsv"; rm -f "$$results"; \
	BENCH_RESULTS="$$results" sh Benchmarks/bench-postgres.sh && python3 Benchmarks/report.py "$$results"

clean:
	rm -rf .build
