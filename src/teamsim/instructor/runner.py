"""The program that runs a student's notebook inside the grading sandbox.

The grader (:mod:`teamsim.instructor.grading`) starts it inside bubblewrap (see
:mod:`teamsim.instructor.sandbox`) and talks to it over two pipes: requests come in on standard
input, one JSON document a line, and events go out on the file descriptor given by
``--events-fd``. The student's own output goes to standard output and error, which the grader
keeps (truncated) beside the feedback.

1. The first line is the job: the code cells to run, the names of the graded answers, the cell
   time limit and the process limits. The runner applies the limits (and, when the grader runs
   as root, gives up root for an unprivileged user id) before any student code runs.
2. It runs the cells one by one in an IPython shell, as "Run All" with errors allowed would:
   a cell that raises is reported and the next one runs; a cell that runs past its time limit
   is interrupted; a cell that will not stop even when interrupted ends the run.
3. It hands out the graded answers as data (:func:`encode`: numbers, text, lists, dicts,
   numpy arrays and pandas tables; a function is only named), and says whether the notebook
   replaced any of the course's own functions.
4. It then answers the grader's questions to a policy: for a week and every run's
   :class:`~teamsim.model.PolicyState` (sent as the newest row of each history), the style the
   student's policy chooses. The grader runs the simulation and the tests itself.

Nothing this program sends is trusted: the student's code runs in the same process and could
write anything on these pipes, so the grader reads them as data and checks them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import IO, Any

import numpy as np
import pandas as pd

from teamsim.model import PolicyState, Style

MAX_ITEMS = 2_000_000
"""Values (table cells, list items) an answer may hold; a bigger one is not handed out."""
HISTORIES = ("attainment", "revenue", "pipeline", "engagement_pulse", "headcount", "quits")
WATCHED = ("teamsim", "otter")
"""Packages whose functions a notebook should not replace (it changes nothing: grading never
uses the sandbox's copy), reported so the status can say so."""


class TooLarge(Exception):
    pass


# -- answers as data ---------------------------------------------------------------------------
def encode(value: object, budget: list[int] | None = None, depth: int = 0) -> dict:
    """``value`` as JSON-ready data, tagged with its kind (see the grader's ``decode``)."""
    budget = budget if budget is not None else [MAX_ITEMS]
    if depth > 20:
        raise TooLarge("nested too deeply")
    budget[0] -= 1
    if budget[0] < 0:
        raise TooLarge("too many values")

    def enc(item: object) -> dict:
        return encode(item, budget, depth + 1)

    if value is None:
        return {"t": "none"}
    if isinstance(value, np.generic):  # before float and str: np.float64 and np.str_ are both
        if value.dtype.kind not in "biufU":
            return opaque(value)
        return {"t": "np", "dtype": value.dtype.str, "v": enc(value.item())}
    if value is Ellipsis:
        return {"t": "ellipsis"}
    if isinstance(value, bool):
        return {"t": "bool", "v": value}
    if isinstance(value, int):
        return {"t": "int", "v": str(value)}
    if isinstance(value, float):
        return {"t": "float", "v": float_data(value)}
    if isinstance(value, str):
        return {"t": "str", "v": value[:1_000_000]}
    if isinstance(value, Style):
        return {"t": "style", "v": [value.control, value.inspiration, value.tailoring]}
    if isinstance(value, np.ndarray):
        budget[0] -= value.size
        if budget[0] < 0:
            raise TooLarge("too many values")
        if value.dtype.kind in "biuf":
            flat = [float_data(x) if isinstance(x, float) else x for x in value.ravel().tolist()]
            return {"t": "array", "dtype": value.dtype.str, "shape": list(value.shape),
                    "v": flat}
        if value.dtype.kind == "U":
            return {"t": "array", "dtype": value.dtype.str, "shape": list(value.shape),
                    "v": value.ravel().tolist()}
        return {"t": "array", "dtype": "O", "shape": list(value.shape),
                "v": [enc(x) for x in value.ravel().tolist()]}
    if isinstance(value, pd.Index):
        return {"t": "index", "v": [enc(x) for x in value.tolist()], "name": enc(value.name),
                "names": [enc(n) for n in value.names]}
    if isinstance(value, pd.Series):
        return {"t": "series", "index": enc(value.index), "v": enc(column(value)),
                "name": enc(value.name)}
    if isinstance(value, pd.DataFrame):
        return {"t": "frame", "index": enc(value.index), "columns": enc(value.columns),
                "v": [enc(column(value.iloc[:, j])) for j in range(value.shape[1])]}
    if isinstance(value, (list, tuple, set, frozenset)):
        kind = {list: "list", tuple: "tuple"}.get(type(value), "set")
        items = list(value)
        return {"t": kind, "v": [enc(x) for x in items]}
    if isinstance(value, dict):
        return {"t": "dict", "v": [[enc(k), enc(v)] for k, v in value.items()]}
    if callable(value):
        return {"t": "callable", "type": type(value).__name__}
    return opaque(value)


def column(series: pd.Series) -> np.ndarray:
    values = series.to_numpy()
    return values if values.dtype.kind in "biufU" else values.astype(object)


def float_data(x: float) -> float | str:
    return x if math.isfinite(x) else repr(x)  # 'nan', 'inf', '-inf': JSON has no such numbers


def opaque(value: object) -> dict:
    try:
        text = repr(value)[:300]
    except Exception:
        text = "?"
    return {"t": "opaque", "type": type(value).__name__, "repr": text}


# -- the run -----------------------------------------------------------------------------------
class Events:
    """Writes one JSON document a line to the grader (from the main thread or the watchdog)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.lock = stream, threading.Lock()

    def send(self, message: dict) -> None:
        data = json.dumps(message).encode("utf-8") + b"\n"
        with self.lock:
            self.stream.write(data)
            self.stream.flush()


class Watchdog(threading.Thread):
    """Interrupts the main thread when a cell runs over; ends the run if it will not stop."""

    def __init__(self, timeout: float, probe: float, on_stuck: Callable[[int], None]) -> None:
        super().__init__(daemon=True)
        self.timeout, self.probe, self.on_stuck = timeout, probe, on_stuck
        self.main = threading.get_ident()
        self.lock = threading.Lock()
        self.cell: int | None = None
        self.deadline = 0.0
        self.fired = False

    def arm(self, cell: int) -> None:
        with self.lock:
            self.cell, self.deadline, self.fired = cell, time.monotonic() + self.timeout, False

    def disarm(self) -> bool:
        """Stop watching; True if the cell was interrupted for running over."""
        with self.lock:
            self.cell = None
            return self.fired

    def run(self) -> None:
        while True:
            time.sleep(0.05)
            with self.lock:
                if self.cell is None or time.monotonic() < self.deadline:
                    continue
                if not self.fired:
                    self.fired, self.deadline = True, time.monotonic() + self.probe
                    signal.pthread_kill(self.main, signal.SIGINT)
                    continue
                cell = self.cell
            self.on_stuck(cell)


def apply_limits(job: dict) -> list[str]:
    """Give up root (when the grader runs as root) and set the process limits; what failed."""
    if job.get("uid") is not None and os.geteuid() == 0:
        os.setgroups([])
        os.setgid(int(job["uid"]))
        os.setuid(int(job["uid"]))
    failed = []
    limits = job.get("limits", {})
    names = {"memory": "RLIMIT_AS", "cpu": "RLIMIT_CPU", "processes": "RLIMIT_NPROC",
             "file_size": "RLIMIT_FSIZE", "core": "RLIMIT_CORE"}
    for key, name in names.items():
        if key not in limits or not hasattr(resource, name):
            continue
        value = int(limits[key])
        try:
            resource.setrlimit(getattr(resource, name), (value, value))
        except (ValueError, OSError) as error:  # macOS refuses a cap on the address space
            failed.append(f"{key} ({error})")
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file past its limit: an error, not death
    return failed


def watched_functions() -> dict[str, dict[str, object]]:
    return {name: dict(vars(module)) for name, module in list(sys.modules.items())
            if module is not None and name.split(".")[0] in WATCHED}


def replaced(before: dict[str, dict[str, object]]) -> list[str]:
    """Course functions (and modules) the notebook replaced or defined anew."""
    found = []
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in WATCHED:
            continue
        old = before.get(name)
        for attr, value in list(vars(module).items()):
            if attr.startswith("__"):
                continue
            if old is not None and attr in old:
                if old[attr] is not value and (callable(old[attr]) or callable(value)):
                    found.append(f"{name}.{attr}")  # a function or class, not a cache
            elif getattr(value, "__module__", None) == "__main__":
                found.append(f"{name}.{attr}")
    for name in before:
        if name not in sys.modules:
            found.append(name)
    return sorted(set(found))


def run(job: dict, events: Events, requests: IO[bytes]) -> None:
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    # The modules a notebook might try to change, loaded before it runs, to compare after.
    import teamsim.course.checks  # noqa: F401
    import teamsim.instructor.grading  # noqa: F401

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "NoColor"
    shell = InteractiveShell.instance(config=config)
    before = watched_functions()

    def stuck(cell: int) -> None:
        events.send({"event": "stuck", "cell": cell})
        os._exit(3)

    watchdog = Watchdog(float(job["cell_timeout"]), float(job["probe"]), stuck)
    watchdog.start()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    me = os.getpid()
    # A copy of this process made by os.fork() in a cell ends at once: a fork bomb stops at the
    # process limit in a moment instead of churning (programs started with subprocess run).
    os.register_at_fork(after_in_child=lambda: os._exit(0))
    for index, source in job["cells"]:
        watchdog.arm(index)
        try:
            result = shell.run_cell(source, store_history=True)
        except KeyboardInterrupt:  # an interrupt that landed outside the cell's own code
            result = None
        if os.getpid() != me:  # a copy the cell forked, back from the cell: it ends here
            os._exit(0)
        try:
            over = watchdog.disarm()
        except KeyboardInterrupt:
            over = True
        if job.get("sandboxed"):  # whatever the cell started ends with it
            with contextlib.suppress(OSError):
                os.kill(-1, signal.SIGKILL)  # only this sandbox's processes: its own namespace
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        error = None if result is None else (result.error_in_exec or result.error_before_exec)
        sys.stdout.flush()
        sys.stderr.flush()
        if over:
            events.send({"event": "cell", "cell": index, "error": ["timeout", ""]})
        elif error is not None:
            events.send({"event": "cell", "cell": index,
                         "error": [type(error).__name__, str(error)[:500]]})
        else:
            events.send({"event": "cell", "cell": index})
    namespace = shell.user_ns
    answers = {}
    for name in job["variables"]:
        if name not in namespace:
            continue
        try:
            answers[name] = encode(namespace[name])
        except TooLarge as why:
            answers[name] = {"t": "toolarge", "why": str(why)}
        except Exception as exc:
            answers[name] = {"t": "unreadable", "why": f"{type(exc).__name__}: {exc}"[:300]}
    events.send({"event": "answers", "answers": answers, "replaced": replaced(before)})
    serve(namespace, events, requests)


# -- a policy, asked by the grader -------------------------------------------------------------
class Session:
    """The histories of one simulation the grader runs, as the model would show them."""

    def __init__(self, weeks: int, runs: int, team_size: int) -> None:
        self.weeks, self.runs, self.team_size = weeks, runs, team_size
        self.history = {name: np.zeros((weeks, runs)) for name in HISTORIES}


def styles(request: dict, sessions: dict[str, Session], namespace: dict[str, Any]) -> dict:
    name = str(request["name"])
    policy = namespace.get(name)
    week, weeks = int(request["week"]), int(request["weeks"])
    runs, team_size = int(request["runs"]), int(request["team_size"])
    session = sessions.get(name)
    if "full" in request or session is None or session.runs != runs or session.weeks != weeks:
        session = sessions[name] = Session(weeks, runs, team_size)
    if "full" in request:
        for key in HISTORIES:
            for i, values in enumerate(request["full"][key]):
                session.history[key][:len(values), i] = values
    else:
        for key in HISTORIES:
            session.history[key][week - 2, :] = request["rows"][key]
    chosen = []
    for i in range(runs):
        def seen(key: str, i: int = i) -> np.ndarray:
            values = session.history[key][:week - 1, i]
            values.flags.writeable = False
            return values
        state = PolicyState(week=week, weeks=weeks, team_size=team_size,
                            market=float(request["market"]),
                            **{key: seen(key) for key in HISTORIES})
        try:
            style = policy(week, state)  # type: ignore[misc]
        except Exception as exc:
            return {"error": [type(exc).__name__, str(exc)[:500]]}
        if not isinstance(style, Style):
            return {"returned": encode(style) if style is None or isinstance(
                style, (int, float, str)) else opaque(style)}
        chosen.append([style.control, style.inspiration, style.tailoring])
    return {"styles": chosen}


def serve(namespace: dict[str, Any], events: Events, requests: IO[bytes]) -> None:
    sessions: dict[str, Session] = {}
    events.send({"event": "ready"})
    for line in requests:
        request = json.loads(line)
        if request.get("op") == "styles":
            events.send({"event": "reply", **styles(request, sessions, namespace)})
        else:
            events.send({"event": "reply", "error": ["ValueError", "unknown request"]})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events-fd", type=int, required=True)
    args = parser.parse_args(argv)
    requests = open(os.dup(0), "rb")  # noqa: SIM115 (open as long as the process)
    events = Events(open(args.events_fd, "wb", closefd=True))  # noqa: SIM115
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # the notebook's input() and sys.stdin read nothing
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    job = json.loads(requests.readline())
    failed = apply_limits(job)
    events.send({"event": "started", "limits_failed": failed})
    run(job, events, requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
