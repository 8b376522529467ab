"""NER worker processes: their set-up, and the pool that keeps them for the life of the process.

Imports nothing heavy: :func:`init_worker` must run before numpy is imported."""

import os

__all__ = ["SINGLE_THREADED", "init_worker", "shutdown_pools", "warm_up", "worker_pool"]

#: BLAS threads per worker: natasha's small matrix products gain nothing from threads, and two workers with
#: threaded BLAS on two cores fight each other (measured: 2.4x slower on the scale corpus)
SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

_POOLS: dict[int, object] = {}


def init_worker() -> None:
    os.environ.update(SINGLE_THREADED)


def warm_up() -> None:
    """Keep a worker busy for a moment, so that the pool starts all of its workers at once."""
    import time

    time.sleep(0.5)


def worker_pool(workers: int):
    """A process pool kept for the life of the process: natasha's models load once per worker, not per batch.
    Workers run single-threaded BLAS (:data:`SINGLE_THREADED`)."""
    pool = _POOLS.get(workers)
    if pool is None:
        import atexit
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        saved = {k: os.environ.get(k) for k in SINGLE_THREADED}
        os.environ.update(SINGLE_THREADED)  # inherited by the spawned workers, in case their __main__ loads numpy
        try:
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=init_worker)
            for f in [pool.submit(warm_up) for _ in range(workers)]:  # start every worker now
                f.result()
        finally:
            for k, v in saved.items():
                os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
        _POOLS[workers] = pool
        atexit.register(pool.shutdown, wait=True, cancel_futures=True)
    return pool


def shutdown_pools() -> None:
    """Stop the worker pools (they start again on demand)."""
    while _POOLS:
        _, pool = _POOLS.popitem()
        pool.shutdown(wait=True, cancel_futures=True)
