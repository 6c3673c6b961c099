# AutoConnect for MicroPython: set-up, simulator and tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
APT_PACKAGES := chromium socat strace nginx

.PHONY: setup run test clean boardcheck build deploy provision flash soak bench

setup: $(STAMP)
	@missing=""; \
	for pkg in $(APT_PACKAGES); do command -v $$pkg >/dev/null || test -x /usr/sbin/$$pkg || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

run: setup
	$(PY) -m tools.run $(ARGS)

test: setup
	$(PY) -m pytest host_tests

bench: setup
	@command -v wrk >/dev/null || (DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk)
	$(PY) -m bench $(ARGS)

soak: setup
	$(PY) -m tools.soak $(ARGS)

boardcheck: setup
	$(PY) -m tools.boardcheck $(ARGS)

build: $(STAMP)
	$(PY) -m tools.build $(if $(BOARD),--board $(BOARD)) $(if $(MPY_CROSS),--mpy-cross "$(MPY_CROSS)")

deploy: build
	@if [ -z "$(PORT)" ]; then \
		echo "usage: make deploy PORT=/dev/ttyUSB0 [BOARD=ESP32_GENERIC|ESP32_GENERIC-OTA|ESP8266_GENERIC]"; \
		exit 2; \
	fi
	$(PY) -m tools.deploy "$(PORT)"

provision: $(STAMP)
	@if [ -z "$(PORT)" ] || [ -z "$(SSID)" ]; then \
		echo "usage: make provision PORT=/dev/ttyUSB0 SSID=<network> PASSWORD=<passphrase>"; \
		exit 2; \
	fi
	$(PY) -m tools.provision "$(PORT)" --ssid "$(SSID)" --password "$(PASSWORD)"

FILES ?= build/board

flash: build
	@if [ -z "$(PORT)" ] || [ -z "$(FIRMWARE)" ]; then \
		echo "usage: make flash PORT=/dev/ttyUSB0 FIRMWARE=<MicroPython .bin> [BOARD=...] [FILES=build/board]"; \
		exit 2; \
	fi
	$(PY) -m tools.flash --port "$(PORT)" --firmware "$(FIRMWARE)" --files "$(FILES)" \
		$(if $(BOARD),--board $(BOARD)) $(if $(BAUD),--baud $(BAUD)) \
		$(if $(FLASH_SIZE),--flash-size $(FLASH_SIZE)) \
		$(if $(findstring ROMFS,$(BOARD)),--romfs build/romfs.img)

clean:
	rm -rf build
