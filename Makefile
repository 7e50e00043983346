# vendor.tokens: `make demo` runs the main job against the bundled emulator; `make test` runs every test.
# Both build what they need from nothing: a virtualenv, the ansible_collections/ layout, the pip bootstrap.

PYTHON ?= python3.11
VENV ?= .venv
BUILD ?= build
COLLECTION := $(BUILD)/ansible_collections/vendor/tokens
TEST_PYTHON ?= 3.11
BIN := $(CURDIR)/$(VENV)/bin
ANSIBLE_TEST := cd $(COLLECTION) && $(BIN)/ansible-test
EMULATOR := tests/integration/targets/setup_emulator/files/vendor_emulator
# Where the integration targets start the emulator and write their reports: the collection's own tests/output.
EMULATOR_DIR := $(CURDIR)/$(COLLECTION)/tests/output/vendor-tokens-emulator

# Whatever the tools write to a home folder (ansible-test's pip bootstrap and venvs, ansible-lint's collection
# install, pip's cache, Ansible's tmp, the token cache) goes under build/home, so the user's own home is never
# read for installed collections nor overwritten.
USER_HOME := $(HOME)
export PYENV_ROOT ?= $(USER_HOME)/.pyenv
export HOME := $(CURDIR)/$(BUILD)/home
$(shell mkdir -p $(HOME))

.PHONY: test demo venv layout sanity units integration lint package matrix bench clean tarball generate generated \
  redis-server

# Last, that every server the tests started (Redis, the emulator) is gone: any left is named, stopped, and fails.
test: generated sanity lint units integration package demo matrix
	$(BIN)/python tests/utils/leftover_processes.py --root $(CURDIR) --root $(abspath $(BUILD))
	@echo "make test: all passed"

# Every file that lists per-vendor facts, written from the profile table; `generated` fails when one is stale.
generate: venv
	$(BIN)/python tests/utils/generate.py .

generated: venv
	$(BIN)/python tests/utils/generate.py . --check

DIST := $(BUILD)/dist
# The collection as users get it, built once for the demo and the package checks.
tarball: venv
	rm -rf $(DIST) && mkdir -p $(DIST)
	$(BIN)/ansible-galaxy collection build --force --output-path $(DIST) . >/dev/null

DEMO := $(BUILD)/demo
# Install the tarball, run the demo playbook against the emulator.
demo: tarball
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/$(DEMO)/collections $(BIN)/ansible-galaxy collection install --force -p $(DEMO)/collections $(DIST)/vendor-tokens-*.tar.gz >/dev/null
	$(BIN)/python $(EMULATOR) --detach --state-dir $(CURDIR)/$(DEMO)/emulator >/dev/null
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/$(DEMO)/collections VENDOR_TOKENS_CACHE_DIR=$(CURDIR)/$(DEMO)/cache \
	  ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_DISPLAY_SKIPPED_HOSTS=false ANSIBLE_DISPLAY_OK_HOSTS=false \
	  ANSIBLE_NOCOLOR=$(if $(CI),1,0) $(BIN)/ansible-playbook -i localhost, vendor.tokens.demo \
	  -e @$(CURDIR)/$(DEMO)/emulator/vars.json -e demo_summary_file=$(CURDIR)/$(DEMO)/summary.txt; \
	  status=$$?; $(BIN)/python $(EMULATOR) --stop --state-dir $(CURDIR)/$(DEMO)/emulator >/dev/null; \
	  test $$status -eq 0 && echo && cat $(DEMO)/summary.txt; exit $$status

$(VENV)/.installed: tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	touch $@

venv: $(VENV)/.installed

# The layout for ansible-test, and its pip bootstrap stand-in in the test command's own home.
layout: venv
	$(BIN)/python tests/utils/layout.py . $(BUILD)
	$(BIN)/python tests/utils/install_get_pip.py

sanity: layout
	$(ANSIBLE_TEST) sanity --venv --python $(TEST_PYTHON) --color no

lint: venv
	PATH=$(BIN):$$PATH $(BIN)/ansible-lint

# The ecosystem's own judges: galaxy-importer, antsibull-docs, antsibull-changelog, ansible-builder.
package: layout tarball
	$(BIN)/python tests/utils/check_package.py $(DIST)/vendor-tokens-*.tar.gz
	PATH=$(BIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/$(BUILD) \
	  $(BIN)/antsibull-docs lint-collection-docs --plugin-docs $(COLLECTION)
	@echo "antsibull-docs: collection docs lint clean"
	$(BIN)/python tests/utils/check_changelog.py $(COLLECTION)
	$(BIN)/python tests/utils/check_ee.py $(DIST)/vendor-tokens-*.tar.gz

# The shared-cache tests start their own Redis on loopback.
redis-server:
	$(BIN)/python tests/utils/install_redis.py

units: layout redis-server
	$(ANSIBLE_TEST) units --venv --python $(TEST_PYTHON) --requirements --color no

INTEGRATION_LOG := $(BUILD)/integration-vvv.log
REPORTS_DIR := $(CURDIR)/$(COLLECTION)/tests/output/vendor-tokens-reports
# Every integration target at -vvv into a log, which the leak check then searches with the caches and temp files
# (the emulator's folder and logs, the fact_cache target's jsonfile cache, the Redis dump) for the credentials and
# for every token the emulator issued.
integration: layout redis-server
	$(BIN)/python tests/utils/integration.py $(BIN) $(COLLECTION) $(CURDIR)/$(INTEGRATION_LOG) $(EMULATOR) $(EMULATOR_DIR) \
	  $(REPORTS_DIR) $(TEST_PYTHON)
	$(BIN)/python tests/utils/leak_check.py --emulator $(EMULATOR) --collection . --log $(INTEGRATION_LOG) --tree $(COLLECTION)/tests/output \
	  --tree $(HOME)/.cache/vendor.tokens --tree $(HOME)/.ansible/tmp --issued $(EMULATOR_DIR)/issued-tokens.txt \
	  --results $(COLLECTION)/tests/output/junit

# The newest ansible-core this machine installs, on its newest Python, and the oldest meta/runtime.yml admits.
CORE_NEWEST ?= 2.21.5
CORE_OLDEST ?= 2.16.19
# The emulator the targets start is stopped after each run, passed or failed.
# Units on both, and the targets that cover each feature end to end (the fact cache on the newest, where injected
# facts are deprecated), so that make test stays within its half hour on two cores.
MATRIX_TARGETS := all_vendors lookup_token token_cache roles token_action failures sase_objects renew_window
matrix: layout
	$(BIN)/python tests/utils/matrix.py $(CORE_NEWEST) 3.12 $(COLLECTION) $(MATRIX_TARGETS) fact_cache; status=$$?; \
	  $(BIN)/python $(EMULATOR) --stop --state-dir $(EMULATOR_DIR) >/dev/null 2>&1; exit $$status
	$(BIN)/python tests/utils/matrix.py $(CORE_OLDEST) 3.11 $(COLLECTION) $(MATRIX_TARGETS); \
	  status=$$?; $(BIN)/python $(EMULATOR) --stop --state-dir $(EMULATOR_DIR) >/dev/null 2>&1; exit $$status
	@echo "matrix: ansible-core $(CORE_NEWEST) on Python 3.12 and $(CORE_OLDEST) on Python 3.11 passed"

bench: layout redis-server
	$(BIN)/python tests/bench/bench.py --collections $(BUILD) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .venv-core-* $(BUILD)
