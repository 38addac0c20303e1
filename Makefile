# The two set-up commands: `make run` and `make test`. Both install what they need when missing.
SWIFT ?= swift
CONFIG ?= Kiosk/event.yaml
DATABASE ?= data/kiosk.sqlite
# Empty: the port in the configuration (8080). `make run PORT=8090` overrides it.
PORT ?=
KIOSK_ARGS = --config $(CONFIG) --database $(DATABASE) $(if $(PORT),--port $(PORT))

# Debian packages: to build and run, and in addition to test.
RUN_DEBS := pkg-config libqrencode-dev libpng-dev libsqlite3-dev
TEST_DEBS := $(RUN_DEBS) zbar-tools qrencode tmux sqlite3 procps
# PyPI packages for the tests: the zxing-cpp QR decoder and Pillow to read images for it.
TEST_PIP := zxing-cpp pillow

.PHONY: run serve build test lint deps-run deps-test clean

run: deps-run build
	.build/debug/kiosk run $(KIOSK_ARGS)

serve: deps-run build
	.build/debug/kiosk serve $(KIOSK_ARGS)

build:
	$(SWIFT) build

test: deps-test
	$(SWIFT) build --build-tests
	KIOSK_BINARY=$$($(SWIFT) build --show-bin-path)/kiosk $(SWIFT) test --skip-build

# `swift format` ships with the toolchain; the style is in .swift-format.
lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

deps-run:
	@scripts/install-debs $(RUN_DEBS)

deps-test:
	@scripts/install-debs $(TEST_DEBS)
	@command -v python3 >/dev/null && python3 -m pip --version >/dev/null 2>&1 || scripts/install-debs python3 python3-pip
	@python3 -c 'import zxingcpp, PIL' 2>/dev/null || python3 -m pip install --quiet $(TEST_PIP) \
	  || python3 -m pip install --quiet --break-system-packages $(TEST_PIP)

clean:
	rm -rf .build
