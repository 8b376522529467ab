"""Set-up of NER worker processes. Imports nothing heavy: it must run before numpy is imported."""

import os

#: BLAS threads per worker: natasha's small matrix products gain nothing from threads, and two workers with
#: threaded BLAS on two cores fight each other (measured: 2.4x slower on the scale corpus)
SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def init_worker() -> None:
    os.environ.update(SINGLE_THREADED)


def warm_up() -> None:
    """Keep a worker busy for a moment, so that the pool starts all of its workers at once."""
    import time

    time.sleep(0.5)
