"""One run at a time per working warehouse, across processes: a lock file beside it.

DuckDB itself allows one writer process, but only while a connection is open,
and the pipeline opens one per step: two runs started together would take turns
step by step (each retrying DuckDB's lock) and publish a mix of each other's
work. So a whole run holds an exclusive `flock` on `<warehouse>.lock`:
`scorecard run` takes it before starting and refuses at once when another run
has it; a run started by the service (after the run queue has let it through)
waits for it. The operating system drops the lock with the process, however the
process ends, so a killed run never leaves a stale lock behind.

Within one process the lock is re-entrant (the command holds it, and the run's
warehouse resource in the same process takes it again).
"""

from __future__ import annotations

import fcntl
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# The run tag naming the warehouse a run writes (its absolute path): the service's
# run queue allows one run in progress per value (deploy/dagster.yaml).
WAREHOUSE_TAG = "scorecard/warehouse"

_held: dict[str, list] = {}  # lock path -> [file descriptor, depth]
_guard = threading.Lock()


class WarehouseBusy(Exception):
    """Another process holds the warehouse."""

    def __init__(self, warehouse: str, holder: str) -> None:
        self.warehouse = warehouse
        self.holder = holder
        super().__init__(
            f"The working warehouse {warehouse} is in use by another run ({holder}). "
            "Wait for that run to finish, then run again."
        )


def lock_path(warehouse: str | Path) -> Path:
    return Path(f"{Path(warehouse).resolve()}.lock")


@contextmanager
def warehouse_lock(
    warehouse: str | Path,
    wait_seconds: float = 0,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the warehouse for the block; wait up to `wait_seconds`, else `WarehouseBusy`."""
    path = str(lock_path(warehouse))
    with _guard:
        if path in _held:
            _held[path][1] += 1
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield
        finally:
            _release(path)
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o664)
    try:
        _acquire(fd, str(warehouse), wait_seconds, on_wait)
    except BaseException:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"process {os.getpid()} on {socket.gethostname()}\n".encode(), 0)
    with _guard:
        _held[path] = [fd, 1]
    try:
        yield
    finally:
        _release(path)


def _acquire(fd: int, warehouse: str, wait_seconds: float, on_wait) -> None:
    deadline = time.monotonic() + wait_seconds
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = _holder(fd)
            if time.monotonic() >= deadline:
                raise WarehouseBusy(warehouse, holder) from None
            if on_wait and not told:
                on_wait(f"waiting for the working warehouse {warehouse}, in use by {holder}")
                told = True
            time.sleep(1)


def _holder(fd: int) -> str:
    text = os.pread(fd, 200, 0).decode(errors="replace").strip()
    return text or "another process"


def _release(path: str) -> None:
    with _guard:
        entry = _held[path]
        entry[1] -= 1
        if entry[1]:
            return
        del _held[path]
    os.close(entry[0])  # closing the descriptor drops the flock
