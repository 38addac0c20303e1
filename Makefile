# The two set-up commands: `make run` and `make test`. Both install what they need when missing.
SWIFT ?= swift
CONFIG ?= Kiosk/event.yaml
DATABASE ?= data/kiosk.sqlite
# Empty: the port in the configuration (8080). `make run PORT=8081` overrides it.
PORT ?=
# `make run NEW_DATABASE=1`: begin a new, empty database on purpose (`--new-database`) where one was.
NEW_DATABASE ?=
# `make run` starts in developer mode (`--developer-mode`): the repository's Kiosk/event.yaml has
# no attendant PIN. `make run DEVELOPER_MODE=` starts as at an event, which needs kiosk.attendantPIN.
DEVELOPER_MODE ?= 1
KIOSK_ARGS = --config $(CONFIG) --database $(DATABASE) $(if $(PORT),--port $(PORT)) $(if $(NEW_DATABASE),--new-database)

# Debian packages: to build and run, and in addition to test.
# Certificates: librsvg + cairo render in process; fontconfig checks the templates' fonts;
# fonts-noto-core has Noto Sans, which the templates name (full Vietnamese coverage); libisal-dev
# (Intel ISA-L) compresses certificate PNGs, zlib QR PNGs; libxlsxwriter-dev writes the XLSX exports.
RUN_DEBS := pkg-config libqrencode-dev zlib1g-dev libsqlite3-dev librsvg2-dev libcairo2-dev libfontconfig-dev fonts-noto-core libisal-dev \
  libxlsxwriter-dev
# poppler-utils: pdftotext, pdffonts, pdftoppm; chromium: the page test; librsvg2-bin: rsvg-convert for the benchmark;
# libfaketime: the retention tests start `kiosk` under a clock days ahead or behind.
# systemd: systemd-analyze verify/security, systemd-sysusers and systemd-tmpfiles for the package's units and
# scripts; init-system-helpers: deb-systemd-helper (the postinst); binutils: readelf (the libraries the binary links)
# and strip (scripts/package); postgresql: PostgreSQL 15 and pg_virtualenv (postgresql-common), the throw-away
# cluster of the hub's tests; libreoffice-calc-nogui: LibreOffice headless opens the XLSX exports.
# nginx, openssl, curl: `make hub-cluster` (scripts/hub-cluster) and its test: TLS in front of two hubs.
CLUSTER_DEBS := postgresql nginx openssl curl
TEST_DEBS := $(RUN_DEBS) zbar-tools qrencode tmux sqlite3 procps poppler-utils chromium librsvg2-bin libfaketime \
  systemd init-system-helpers binutils postgresql libreoffice-calc-nogui $(CLUSTER_DEBS)
# PyPI packages for the tests: the zxing-cpp QR decoder and Pillow to read images for it.
# websocket-client drives headless Chromium over the DevTools protocol (scripts/page-check.py).
# prometheus-client's parser reads /metrics in the tests (the reference Prometheus text parser).
# openpyxl reads the XLSX exports in the tests (each cell's value and type).
TEST_PIP := zxing-cpp pillow websocket-client prometheus-client openpyxl
TEST_AXE := axe-playwright-python==0.1.8

# `make install` and `make package`: the kiosk as a systemd service (docs/operator.md, "Install as a service"); the
# layout is scripts/package's. BINARY: install or package that binary instead of a release build (the tests
# package the debug one). PREFIX for make install is /usr/local, as /usr belongs to dpkg; the .deb uses /usr.
PREFIX ?= /usr/local
DESTDIR ?=
BINARY ?=
PACKAGE_DIR ?= .build/package
COMPRESSION ?= xz
# The release binary links the Swift runtime statically, and Foundation's URLSession with it libcurl;
# binutils: strip.
PACKAGE_DEBS := $(RUN_DEBS) libcurl4-openssl-dev binutils

.PHONY: hub hub-cluster hub-cluster-stop run serve build test test-suites lint deps-run deps-test deps-bench deps-package clean bench \
  bench-certificates fuzz \
  install package

run: deps-run build
	.build/debug/kiosk run $(KIOSK_ARGS) $(if $(DEVELOPER_MODE),--developer-mode)

serve: deps-run build
	.build/debug/kiosk serve $(KIOSK_ARGS)

# The national hub (issue 14): PostgreSQL (installed when missing) in a cluster of the project's own
# under data/hub-pg, migrations, then `kiosk hub serve` on HUB_PORT (8090); see scripts/hub.
hub: deps-run build
	scripts/hub

# The hub scaled out on loopback (issue 15): PostgreSQL primary and hot standby, two hubs, nginx with
# TLS, all in the background under HUB_CLUSTER_DATA (data/hub-cluster); see scripts/hub-cluster and
# docs/production.md. `make hub-cluster-stop` stops and removes all of it.
hub-cluster: deps-run build
	@scripts/install-debs $(CLUSTER_DEBS)
	scripts/hub-cluster

hub-cluster-stop:
	scripts/hub-cluster stop

build:
	$(SWIFT) build

test: deps-test
	$(SWIFT) build --build-tests
	@# The suites run inside pg_virtualenv: it starts a throw-away PostgreSQL cluster (in a temporary folder
	@# even as root: -t, so runs side by side never share one), exports PGHOST, PGPORT, PGUSER, PGPASSWORD
	@# and PGDATABASE for the hub tests (TestPostgres), and drops the cluster when they end. Its port is
	@# a free one the kernel picks, not the first free one from 5432 that runs started together would race for.
	@# max_connections=400: the hub suites run side by side, each test's hub with a pool of its own (100, the
	@# default, ran out: "sorry, too many clients already").
	PGPORT=$$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') \
	  pg_virtualenv -t -o max_connections=400 $(MAKE) --no-print-directory test-suites

# The suites of `make test`, against the cluster of the PG* environment (without one the hub tests fail,
# saying so).
test-suites:
	KIOSK_BINARY=$$($(SWIFT) build --show-bin-path)/kiosk $(SWIFT) test --skip-build \
	  --skip CrashUnderLoadTests --skip LiveLatencyTests --skip SlowClientTests --skip PipelinedFloodTests \
	  --skip OpenFilesExhaustionTests --skip ShutdownTests --skip BackupUnderLoadTests --skip LiveFanOutTests \
	  --skip HubStoreTests --skip HubServiceTests --skip HubRelayTests --skip HubEndToEndTests --skip HubFaultTests \
	  --skip HubSetupTests --skip HubNationalCountsTests --skip HubDifferencingTests --skip HubClusterTests
	@# Run alone after the others: the crash test's kiosk processes load the 2 cores, the live
	@# counter's 1 s promise is timed, the slow-client tests wait for seconds-long deadlines, and the
	@# pipelined flood measures the service's memory while it loads the 2 cores, and the open files
	@# test's flood of viewers lost its kiosks' connections under the parallel run's load; the
	@# shutdown tests hold SIGTERM to a 3 s exit; the backup under load fills both cores for 20 s; the
	@# hub's store answers every call within a deadline (5 s), which its connections to PostgreSQL
	@# missed under the parallel run's load (the hub suites take about 30 s together); the hub's fault
	@# tests start and kill dozens of hub and event processes; `make hub`'s test creates, stops and drops a
	@# PostgreSQL cluster of its own (scripts/hub) and times the hub's 503 while it is down; the
	@# live fan-out's 200 viewers hold 400 sockets of the test process, and Foundation's Process.run
	@# crashed (memcpy, descriptor 1362) when another test launched a process past 1,024 open
	@# descriptors (two CI runs); the hub cluster's test starts two PostgreSQL servers, two hubs, nginx and
	@# an event service (scripts/hub-cluster).
	KIOSK_BINARY=$$($(SWIFT) build --show-bin-path)/kiosk $(SWIFT) test --skip-build --filter CrashUnderLoadTests
	KIOSK_BINARY=$$($(SWIFT) build --show-bin-path)/kiosk $(SWIFT) test --skip-build --filter LiveLatencyTests
	KIOSK_BINARY=$$($(SWIFT) build --show-bin-path)/kiosk $(SWIFT) test --skip-build --filter SlowClientTests
	KIOSK_BINARY=$$($(SWIFT) build --show-bin-path)/kiosk $(SWIFT) test --skip-build --filter PipelinedFloodTests
	KIOSK_BINARY=$$($(SWIFT) build --show-bin-path)/kiosk $(SWIFT) test --skip-build --filter OpenFilesExhaustionTests
	KIOSK_BINARY=$$($(SWIFT) build --show-bin-path)/kiosk $(SWIFT) test --skip-build --filter ShutdownTests
	KIOSK_BINARY=$$($(SWIFT) build --show-bin-path)/kiosk $(SWIFT) test --skip-build --filter BackupUnderLoadTests
	KIOSK_BINARY=$$($(SWIFT) build --show-bin-path)/kiosk $(SWIFT) test --skip-build --filter LiveFanOutTests
	@# The hub's suites one test at a time: side by side, a loaded machine pushed their PostgreSQL calls
	@# past the store's 5 s deadline (a CI run beside other builds); one at a time they take 45 s, not 30.
	KIOSK_BINARY=$$($(SWIFT) build --show-bin-path)/kiosk $(SWIFT) test --skip-build --no-parallel \
	  --filter 'HubStoreTests|HubServiceTests|HubRelayTests|HubEndToEndTests|HubNationalCountsTests|HubDifferencingTests'
	KIOSK_BINARY=$$($(SWIFT) build --show-bin-path)/kiosk $(SWIFT) test --skip-build --filter HubFaultTests
	KIOSK_BINARY=$$($(SWIFT) build --show-bin-path)/kiosk $(SWIFT) test --skip-build --filter HubSetupTests
	KIOSK_BINARY=$$($(SWIFT) build --show-bin-path)/kiosk $(SWIFT) test --skip-build --no-parallel --filter HubClusterTests

install: $(if $(BINARY),,deps-package)
	SWIFT=$(SWIFT) scripts/package install --destdir "$(DESTDIR)" --prefix "$(PREFIX)" $(if $(BINARY),--binary "$(BINARY)")

package: $(if $(BINARY),,deps-package)
	SWIFT=$(SWIFT) scripts/package deb --output "$(PACKAGE_DIR)" --compression $(COMPRESSION) \
	  $(if $(BINARY),--binary "$(BINARY)")

deps-package:
	@scripts/install-debs $(PACKAGE_DEBS)

# `swift format` ships with the toolchain; the style is in .swift-format. scripts/check-layers: no module
# imports a layer above it, the domain reads no file or environment, the store names no HTTP header.
# scripts/check-file-sizes: no Swift file under Sources over 300 lines, the median under 120.
lint:
	scripts/check-layers
	$(SWIFT) format lint --strict --recursive Sources Tests Benchmarks Package.swift
	scripts/check-file-sizes Sources

deps-run:
	@scripts/install-debs $(RUN_DEBS)

deps-test:
	@scripts/install-debs $(TEST_DEBS)
	@command -v python3 >/dev/null && python3 -m pip --version >/dev/null 2>&1 || scripts/install-debs python3 python3-pip
	@python3 -c 'import zxingcpp, PIL, websocket, prometheus_client, openpyxl' 2>/dev/null || python3 -m pip install --quiet $(TEST_PIP) \
	  || python3 -m pip install --quiet --break-system-packages $(TEST_PIP)
	@# axe-core's script for the web flow's accessibility test; the package's own dependency
	@# (Playwright) is not needed: the test drives Chromium over the DevTools protocol.
	@python3 -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('axe_playwright_python') is None)" \
	  || python3 -m pip install --quiet --no-deps $(TEST_AXE) \
	  || python3 -m pip install --quiet --no-deps --break-system-packages $(TEST_AXE)

# In-process rendering vs. one rsvg-convert process per document: COUNT documents of each kind in
# process, the first BASELINE_COUNT of them through rsvg-convert (1,000 processes of each kind take
# over 5 minutes on 2 cores; rates are compared).
COUNT ?= 1000
BASELINE_COUNT ?= 300
bench-certificates: deps-test
	$(SWIFT) build -c release --product kiosk-bench
	$$($(SWIFT) build -c release --show-bin-path)/kiosk-bench certificates --count $(COUNT) --baseline-count $(BASELINE_COUNT) --markdown BENCHMARKS.md

# `make bench`: every case against its baseline in one run (release build), table into BENCHMARKS.md;
# also the crash safety test with 50 SIGKILLs. wrk is the load generator, strace counts fsyncs,
# GNU time measures the export processes (B4). The hub's cases (H1–H4: scripts/bench/h*-*) start and
# drop their own PostgreSQL cluster with pg_virtualenv (postgresql, in TEST_DEBS) and load it with kiosk-bench.
BENCH_DEBS := $(TEST_DEBS) wrk strace time gcc libc6-dev
deps-bench: deps-test
	@scripts/install-debs $(BENCH_DEBS)

bench: deps-bench
	$(SWIFT) build -c release --product kiosk
	$(SWIFT) build -c release --product kiosk-bench
	$(SWIFT) build --build-tests
	KIOSK_BENCH=$$($(SWIFT) build -c release --show-bin-path)/kiosk-bench \
	  scripts/bench/run $$($(SWIFT) build -c release --show-bin-path)/kiosk

# schemathesis (PyPI) against the live service from its own /openapi.json: no 5xx, documented
# content types (every documented error is application/problem+json).
FUZZ_EXAMPLES ?= 30
fuzz: deps-test build
	@command -v st >/dev/null || python3 -m pip install --quiet schemathesis \
	  || python3 -m pip install --quiet --break-system-packages schemathesis
	scripts/fuzz $$($(SWIFT) build --show-bin-path)/kiosk $(FUZZ_EXAMPLES)

clean:
	rm -rf .build
