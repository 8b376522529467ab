"""The hostile corpus through `make dataset`'s own Dagster job: exit code, summary, accounting, summed peak RSS.

``tests/integration/test_hostile.py`` holds the CLI build (`python -m pipeline build`, the same core functions)
over every case to its bounds on each `make test`; this script runs the Dagster job `build_dataset` that
`make dataset` launches (`python -m pipeline materialize build_dataset`) over the same corpus, on demand, in a
temporary instance, and prints what it did::

    nice -n 10 .venv/bin/python benchmarks/hostile_build.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.hostile.generate import generate, generate_cases  # noqa: E402
from tests.integration.test_hostile import SECRET, run_measured  # noqa: E402


def main() -> None:
    import pyarrow.parquet as pq

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="vostok-hostile-"))
    base.mkdir(parents=True, exist_ok=True)
    secret = base / "secret.txt"
    secret.write_text(SECRET * 10)
    raw = base / "raw"
    generate(raw / "content", str(secret))
    (raw / "escape-link.txt").symlink_to(secret)
    (raw / "escape-dir").symlink_to(base)
    generate_cases(raw)
    home = base / "dagster_home"
    home.mkdir()
    env = dict(os.environ, DAGSTER_HOME=str(home), VOSTOK_RAW_DIR=str(raw), VOSTOK_DATASET_DIR=str(base / "current"),
               VOSTOK_RELEASES_DIR=str(base / "releases"), VOSTOK_WORK_DIR=str(base / "work"), TQDM_DISABLE="1")
    run = run_measured([sys.executable, "-m", "pipeline", "materialize", "build_dataset"], base / "materialize.log",
                       env=env, timeout=3600)
    tail = run.log.splitlines()
    current = base / "current"
    counts = {name: pq.read_metadata(current / f"{name}.parquet").num_rows
              for name in ("articles", "rejects") if (current / f"{name}.parquet").exists()}
    print(json.dumps({"rc": run.rc, "peak_rss_mib": round(run.peak_rss / 2**20), "cpu_s": round(run.cpu, 1),
                      "wall_s": round(run.wall),
                      "rows": counts, "summary": [line for line in tail if not line.startswith("20")][-8:]},
                     ensure_ascii=False, indent=1))
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
