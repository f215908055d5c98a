# Bootstrap: a fresh clone needs nothing but python3.11 and the package registries (and Java
# 17+ for the spark engine's tests: .ci/run installs it).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-embed eval install bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/retold run demo/corpus/docs.jsonl --out demo/out --force --truth demo/corpus/truth.jsonl

test: $(STAMP)
	$(BIN)/python -m pytest -q

# the quality gate alone (real data under ../shared/data; CI set so a missing corpus fails)
eval: $(STAMP)
	CI=true $(BIN)/python -m pytest -q tests/eval

# the optional embed extra in a venv of its own, so `make test` keeps testing the core as
# most users install it
test-embed:
	test -x .venv-embed/bin/python || $(PY) -m venv .venv-embed
	.venv-embed/bin/python -m pip install --quiet --upgrade pip
	.venv-embed/bin/python -m pip install --quiet -e '.[dev,embed]'
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 .venv-embed/bin/python -m pytest -q tests/story

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_dedup.py

clean:
	rm -rf $(VENV) .venv-embed demo/out .pytest_cache
