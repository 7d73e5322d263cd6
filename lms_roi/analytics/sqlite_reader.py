"""A child process reading KPI values from a SQLite file while the report computes.

On SQLite a thread reading rows holds up every other thread (the driver takes the
interpreter lock back at every row), so the ROI report's worker cannot read in the
background. A child process can: :class:`SqliteChild` starts
:mod:`lms_roi.analytics.sqlite_child` with the queries, and a drain thread turns
what it streams into NumPy arrays (reading a pipe lets go of the lock). The child
has its own connection: it sees committed data only, in its own snapshot, so its
values are used only when it saw the same data version token as the report's
transaction (see :mod:`.cache`) — the caller checks :meth:`SqliteChild.token`.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path

import numpy as np

SCRIPT = Path(__file__).with_name("sqlite_child.py")


def interpreter_found() -> bool:
    """Whether ``sys.executable`` is a Python interpreter that can run the child (under
    an embedding server such as uWSGI it may be the server's own binary)."""
    return Path(sys.executable).name.startswith("python") and Path(sys.executable).is_file()


class SqliteChild:
    """The child process and the arrays it sent, one :class:`Future` per KPI."""

    def __init__(self, path: str, token_sql: str, queries: list[tuple[int, str]]):
        self.kpi_ids = [kpi_id for kpi_id, _sql in queries]
        self.token: Future = Future()
        self.values: dict[int, Future] = {k: Future() for k in self.kpi_ids}
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self.process = subprocess.Popen(  # noqa: S603 (our own script, our own interpreter)
            [sys.executable, str(SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,  # a file: a full pipe would stop the child
        )
        request = {"path": path, "token_sql": token_sql, "queries": queries}
        self.process.stdin.write(json.dumps(request).encode())
        self.process.stdin.close()
        self.thread = threading.Thread(target=self._drain, name="lms-roi-sqlite-child")
        self.thread.start()

    def _drain(self) -> None:
        out = self.process.stdout
        try:
            line = out.readline()
            if not line:
                raise EOFError
            self.token.set_result(line.decode().rstrip("\n"))
            for expected in self.kpi_ids:
                kpi_id, n = struct.unpack("<qq", _exactly(out, 16))
                if kpi_id != expected:
                    raise EOFError
                data = _exactly(out, 24 * n)
                # Views of the bytes read (no copy where the machine is little-endian).
                learners = np.frombuffer(data, "<i8", n, 0).astype(np.int64, copy=False)
                days = np.frombuffer(data, "<i8", n, 8 * n).astype(np.int64, copy=False)
                values = np.frombuffer(data, "<f8", n, 16 * n).astype(np.float64, copy=False)
                self.values[kpi_id].set_result((learners, days, values))
        except (EOFError, OSError, ValueError, struct.error):
            self.process.wait()
            self.errors.seek(0)
            detail = self.errors.read().decode(errors="replace").strip()[-2000:]
            failure = RuntimeError(f"the SQLite reader stopped: {detail or 'no output'}")
            for future in (self.token, *self.values.values()):
                if not future.done():
                    future.set_exception(failure)
        finally:
            out.close()

    def close(self) -> None:
        """Stop the child if it still runs, and wait for it and the drain thread."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.thread.join()
        self.errors.close()


def _exactly(stream, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError
    return data
