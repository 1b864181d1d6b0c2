"""Executors: where batches of independent tasks run.

An executor is a context manager with one method, :meth:`Executor.map`, that
applies a module-level function to picklable items and yields the results *in
the order of the items*. Executors are injected by the caller (for example
into :func:`escalade.explore.run_experiments`); nothing chooses one through
global configuration, and importing this module starts nothing.

Three implementations share the contract:

* :class:`SequentialExecutor` runs in the calling process;
* :class:`ProcessExecutor` runs on a local process pool created when the
  ``with`` block is entered; its workers are forked from a server process that
  imported the engine once (``"forkserver"``; ``"spawn"`` where there is none);
* :class:`DaskExecutor` runs on a Dask ``distributed`` cluster given by the
  address of its scheduler (``tcp://HOST:PORT``).

Results do not depend on the executor: randomness is keyed by the global
index of the work (see :mod:`escalade.random`), never by where or in which
order it runs.

Examples
--------
>>> from escalade.engine.executors import SequentialExecutor
>>> with SequentialExecutor() as ex:
...     list(ex.map(abs, [-1, 2, -3]))
[1, 2, 3]
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import re
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

from escalade.errors import DependencyNotInstalled, EscaladeError, UsageError

__all__ = [
    "PRELOAD",
    "DaskExecutor",
    "Executor",
    "ProcessExecutor",
    "SequentialExecutor",
    "executor_for",
    "free_cores",
    "usable_cores",
]

PRELOAD = ("escalade.engine.chunk",)
"""Modules the worker server imports once, before any worker is forked from it."""

T = TypeVar("T")
R = TypeVar("R")

_ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(\d{1,5})$")


class Executor(Protocol):
    """What :func:`~escalade.explore.run_experiments` needs from an executor."""

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        """Apply ``fn`` to every item; yield the results in the order of ``items``."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class SequentialExecutor:
    """Run every task in the calling process, one after the other.

    Results are produced lazily: the next task starts when the next result is
    asked for.
    """

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        """Apply ``fn`` to every item in turn and yield the results in order."""
        for item in items:
            yield fn(item)

    def __repr__(self) -> str:
        return "SequentialExecutor()"


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, else ``os.cpu_count()``)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - macOS and Windows have no affinity call
        return os.cpu_count() or 1


def free_cores(cores: int | None = None, load: float | None = None) -> int:
    """Usable cores not already kept busy by other processes (at least 1).

    ``cores - round(load) + 1``, clipped to ``1..cores``: the one-minute load
    average counts the calling process itself. ``cores`` defaults to
    :func:`usable_cores`, ``load`` to ``os.getloadavg()[0]`` (0 where there is
    none). On a saturated machine this is 1, so a default run stays in process
    and is never slower than ``--workers 1``.
    """
    cores = usable_cores() if cores is None else cores
    if load is None:
        try:
            load = os.getloadavg()[0]
        except (AttributeError, OSError):  # pragma: no cover - Windows
            load = 0.0
    return max(1, min(cores, cores - round(load) + 1))


def _pool_context(preload: Sequence[str]) -> multiprocessing.context.BaseContext:
    """``forkserver`` with ``preload`` imported in the server, else ``spawn``.

    The server process starts once per parent process (per command, or per
    dashboard server) and imports ``preload`` once; every pool's workers are
    forked from it, so they start in milliseconds with the engine imported
    instead of importing it for seconds each. The server is single-threaded,
    so this is as safe with threads in the parent as ``spawn``.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")  # pragma: no cover - Windows
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    return context


def _check_workers(workers: object) -> int | None:
    if workers is None:
        return None
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise UsageError(
            f"workers: expected a positive integer, found {workers!r} "
            "(hint: leave it unset to use every core)"
        )
    return workers


def _ordered(submit: Callable[[T], Future[R]], items: Sequence[T], window: int) -> Iterator[R]:
    """Submit at most ``window`` tasks ahead and yield their results in order."""
    pending: deque[Future[R]] = deque()
    it = iter(items)
    try:
        for item in it:
            pending.append(submit(item))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for fut in pending:
            fut.cancel()


def _lower_priority(increment: int) -> None:
    """Pool initializer: run this worker at a lower scheduling priority."""
    if hasattr(os, "nice"):
        os.nice(increment)


class ProcessExecutor:
    """Run tasks on a local pool of worker processes.

    The pool is created when the ``with`` block is entered and shut down when
    it is left. Its workers are forked from a ``forkserver`` process that
    imported ``preload`` once (see :func:`_pool_context`); without
    ``forkserver`` (Windows) they are spawned. Either way a worker starts from
    a fresh interpreter, never from a copy of the caller.

    Parameters
    ----------
    workers : int, optional
        Number of worker processes; the usable cores when not given.
    preload : sequence of str, keyword-only
        Modules the worker server imports once (default :data:`PRELOAD`, the
        engine). The server keeps the list it started with.
    nice : int, keyword-only
        Added to the workers' niceness (lower scheduling priority; POSIX only), so
        that a server running simulations stays responsive; 0 leaves it.
    """

    def __init__(
        self, workers: int | None = None, *, preload: Sequence[str] = PRELOAD, nice: int = 0
    ) -> None:
        self.workers: int = _check_workers(workers) or usable_cores()
        self.preload = tuple(preload)
        self.nice = nice
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Self:
        if self._pool is not None:
            raise UsageError("ProcessExecutor: this executor is already open")
        context = _pool_context(self.preload)
        if self.nice > 0:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_lower_priority,
                initargs=(self.nice,),
            )
        else:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        """Apply ``fn`` to every item on the pool; yield the results in order.

        At most four tasks per worker are submitted ahead of the result being
        yielded, so memory stays bounded on long sweeps.
        """
        pool = self._pool
        if pool is None:
            raise UsageError(
                "ProcessExecutor.map: the executor is not open "
                "(hint: use it as `with ProcessExecutor() as ex: ex.map(...)`)"
            )
        return _ordered(lambda item: pool.submit(fn, item), items, 4 * self.workers)

    def __repr__(self) -> str:
        return f"ProcessExecutor(workers={self.workers})"


def _check_address(address: object) -> str:
    if not isinstance(address, str) or not _ADDRESS.match(address):
        raise UsageError(
            f"scheduler: expected an address like 'tcp://HOST:PORT', found {address!r}"
        )
    port = int(address.rsplit(":", 1)[1])
    if not 0 < port < 65536:
        raise UsageError(f"scheduler: expected a port in 1..65535, found {port} in {address!r}")
    return address


class DaskExecutor:
    """Run tasks on a Dask ``distributed`` cluster.

    Parameters
    ----------
    address : str
        Address of the scheduler, ``tcp://HOST:PORT`` (or ``tls://``).
    timeout : float, keyword-only
        Seconds to wait for the connection before giving up.

    Raises
    ------
    UsageError
        If ``address`` is malformed (raised at construction).
    DependencyNotInstalled
        If ``distributed`` is not installed (raised on entering the block).
    EscaladeError
        If the scheduler cannot be reached within ``timeout`` seconds.
    """

    def __init__(self, address: str, *, timeout: float = 10.0) -> None:
        self.address = _check_address(address)
        if not timeout > 0:
            raise UsageError(f"timeout: expected a positive number of seconds, found {timeout!r}")
        self.timeout = float(timeout)
        self._client: Any = None
        self._window = 64

    def __enter__(self) -> Self:
        try:
            import distributed  # noqa: PLC0415 (optional dependency)
        except ImportError as exc:
            raise DependencyNotInstalled("distributed", "dask") from exc
        if self._client is not None:
            raise UsageError("DaskExecutor: this executor is already open")
        try:
            make_client: Any = distributed.Client  # untyped in distributed
            client = make_client(self.address, timeout=self.timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise EscaladeError(
                f"could not connect to the Dask scheduler at {self.address} within "
                f"{self.timeout:g} s ({exc}) (hint: start it with `dask scheduler` "
                "and check the host and port)"
            ) from exc
        self._client = client
        workers = client.scheduler_info().get("workers", {})
        self._window = max(8, 4 * sum(int(w.get("nthreads", 1)) for w in workers.values()))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        """Apply ``fn`` to every item on the cluster; yield the results in order."""
        client = self._client
        if client is None:
            raise UsageError(
                "DaskExecutor.map: the executor is not open "
                "(hint: use it as `with DaskExecutor(address) as ex: ex.map(...)`)"
            )

        def submit(item: T) -> Future[R]:
            future: Future[R] = client.submit(fn, item, pure=False)
            return future

        return _ordered(submit, items, self._window)

    def __repr__(self) -> str:
        return f"DaskExecutor({self.address!r})"


def executor_for(*, scheduler: str | None, workers: int | None, n_tasks: int) -> Executor:
    """Choose the executor the command line asks for.

    Parameters
    ----------
    scheduler : str or None
        A Dask scheduler address (``tcp://HOST:PORT``); when given, a
        :class:`DaskExecutor` is returned.
    workers : int or None
        Number of local processes (at most the number of cores); ``1`` forces
        sequential execution.
    n_tasks : int
        Number of tasks to run; a single task runs in the calling process.

    Returns
    -------
    Executor
        A :class:`DaskExecutor`, :class:`ProcessExecutor` or
        :class:`SequentialExecutor`, not yet entered.
    """
    workers = _check_workers(workers)
    if scheduler is not None:
        return DaskExecutor(scheduler)
    if n_tasks > 1 and workers != 1:
        # More processes than cores only adds memory: cap at the usable cores.
        cores = min(workers or usable_cores(), usable_cores())
        if cores > 1:
            return ProcessExecutor(min(cores, n_tasks))
    return SequentialExecutor()
