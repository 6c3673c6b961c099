# AutoConnect for MicroPython: set-up, simulator and tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
APT_PACKAGES := chromium socat strace nginx

.PHONY: setup run test clean boardcheck

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

boardcheck: setup
	$(PY) -m tools.boardcheck $(ARGS)

clean:
	rm -rf build
