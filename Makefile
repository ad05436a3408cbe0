# Entry points of the CRM suite. Everything is done by tools/suite.py (stdlib only),
# which finds Odoo 19.0, installs the PyPI requirements, and starts an embedded
# PostgreSQL cluster under .local/ unless PGHOST/PGPORT point at a server.
#   make run    serve Odoo with the four addons and demo data on 127.0.0.1:8069
#   make test   lint, Odoo tests (each addon alone, then all four), pytest tests/,
#               upgrade, uninstall, multi-worker story, host modules' own tests
#   make lint   ruff, ruff format --check, pylint-odoo (OCA mandatory checks)
#   make stop   stop the embedded PostgreSQL cluster
#   make setup  only find Odoo and install the requirements and chromium
#   make bench  benchmarks at SIZE=S (default), M or L; BACKLOG=1000 routes a
#               smaller lead backlog (core's side is slow); see bench/README.md
PYTHON ?= python3
SUITE := $(PYTHON) tools/suite.py

.PHONY: run test lint stop setup bench
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
