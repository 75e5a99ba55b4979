"""The grader's side of the sandbox: where student code runs, and what comes back from it.

A submission's code runs in :mod:`teamsim.instructor.runner`, started by :class:`Sandbox` inside
bubblewrap (``bwrap``, Debian's ``bubblewrap``) with

- no network (a network namespace of its own, with nothing in it);
- a private scratch folder (an in-memory file system of :data:`SCRATCH_MB`) as its only
  writable place, also its home and current folder; the root of its file system is empty and
  read-only;
- read-only, and nothing else: the system's ``/usr``, the Python it runs (the virtual
  environment and its base installation) and the ``teamsim`` package itself, each at its own
  path. The course's repository, the grading bundles with their hidden tests and solutions,
  the folder of submissions and other sandboxes are not there to be seen;
- its own process, IPC and host-name namespaces, a new session (no terminal to write into),
  and death with the grader;
- limits set before any student code runs: memory (address space), CPU seconds, processes
  (a fork bomb stops there), file size; the grader adds a wall-clock limit and keeps only the
  first :data:`OUTPUT_KEEP` bytes of what the notebook prints.

When the grader runs as root, the sandbox is set up by root and the runner gives up root for
an unprivileged user id of its own before it reads the notebook (process limits do not apply
to root); otherwise bubblewrap makes a user namespace.

What comes back is data: :func:`decode` rebuilds the answers from the runner's tagged JSON, and
:class:`SandboxPolicy` stands in for a student's policy in the grader's own simulations (the
model asks it once a week for every run's style, see ``decide_runs`` in
:func:`teamsim.model.api.policy_levers`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import keyword
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from teamsim.model import PolicyState, Style

SCRATCH = "/tmp"
SCRATCH_MB = 64
OUTPUT_KEEP = 200_000
"""Bytes of a submission's standard output (and as many of its errors) kept for the instructor."""
PROCESSES = 32
"""Processes and threads a sandbox may have at once."""
FILE_SIZE_MB = 32
SANDBOX_UID = 61000
"""First user id the sandbox runs as when the grader is root (one per concurrent sandbox)."""
EVENT_LINE_LIMIT = 64 * 1024**2
HISTORIES = ("attainment", "revenue", "pipeline", "engagement_pulse", "headcount", "quits")
ALTERNATIVES = ("grade in containers with otter's Docker route (`otter grade`, see the "
                "instructor guide) or on Gradescope; or, only for submissions you trust, pass "
                "--unsafe-no-sandbox")


class SandboxUnavailable(Exception):
    """Grading cannot isolate student code here; the message says why and what to do."""


class PolicyUnavailable(Exception):
    """The sandboxed policy did not answer (too slow, gone, or not an answer)."""


# -- the bundle's fingerprint ------------------------------------------------------------------
def fingerprint(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``, by relative path."""
    folder = Path(folder)
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() or p.is_symlink()}


def digest(prints: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(prints, sort_keys=True).encode()).hexdigest()


def changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted({*(f"changed {k}" for k in before if k in after and before[k] != after[k]),
                   *(f"removed {k}" for k in before if k not in after),
                   *(f"added {k}" for k in after if k not in before)})


# -- the bubblewrap command --------------------------------------------------------------------
def readonly_paths() -> list[Path]:
    """What the runner needs to see: its Python and the teamsim package, nothing else."""
    paths = [Path(sys.base_prefix), Path(sys.prefix), Path(sys.executable).resolve().parent.parent,
             Path(__file__).resolve().parents[1]]
    kept: list[Path] = []
    for path in sorted({p.resolve() for p in paths}, key=lambda p: len(p.parts)):
        if not any(path.is_relative_to(k) for k in [*kept, Path("/usr")]):
            kept.append(path)
    return kept


def check_private(paths: Sequence[Path], private: Sequence[Path]) -> None:
    """Refuse a sandbox that would show one of the ``private`` folders."""
    for path in paths:
        for secret in private:
            secret = Path(secret).resolve()
            if secret.is_relative_to(path):
                raise SandboxUnavailable(
                    f"the sandbox would have to show {path} to the notebooks, and that holds "
                    f"{secret}: install the course's Python environment outside the course's "
                    "folder and the folder of submissions")


def bwrap_command(events_fd: int, private: Sequence[Path] = ()) -> list[str]:
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (`bwrap`) is not installed")
    root = os.geteuid() == 0
    cmd = [bwrap, "--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-pid",
           "--unshare-net", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "grading"]
    if root:  # set up by root; the runner gives up root itself (see apply_limits)
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        cmd += ["--unshare-user", "--uid", "1000", "--gid", "1000"]
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    # the scratch folder first, so that a Python or a course installed under it (a checkout
    # in /tmp, as CI makes) is bound on top of it below rather than hidden by it
    cmd += ["--perms", "1777", "--size", str(SCRATCH_MB * 1024**2), "--tmpfs", SCRATCH]
    made: set[Path] = {Path("/"), Path(SCRATCH)}
    paths = readonly_paths()
    check_private([*paths, Path("/usr")], private)
    for path in [Path("/etc"), *paths]:
        for parent in reversed(path.parents):
            if parent not in made:
                made.add(parent)
                cmd += ["--perms", "0755", "--dir", str(parent)]
    for etc in ("/etc/ld.so.cache", "/etc/localtime"):
        cmd += ["--ro-bind-try", etc, etc]
    for path in paths:
        cmd += ["--ro-bind", str(path), str(path)]
    cmd += ["--proc", "/proc", "--dev", "/dev",
            "--remount-ro", "/", "--remount-ro", "/dev", "--chdir", SCRATCH, "--clearenv"]
    for name, value in sandbox_env().items():
        cmd += ["--setenv", name, value]
    return [*cmd, "--", *runner_command(events_fd)]


def sandbox_env(home: str = SCRATCH) -> dict[str, str]:
    env = {"HOME": home, "TMPDIR": home, "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
           "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
           "MPLCONFIGDIR": f"{home}/.matplotlib", "IPYTHONDIR": f"{home}/.ipython",
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    # the grader's own settings (e.g. a test run's marker), never anything else of the grader's
    env.update({k: v for k, v in os.environ.items() if k.startswith("TEAMSIM_")})
    return env


def runner_command(events_fd: int) -> list[str]:
    return [sys.executable, "-I", "-m", "teamsim.instructor.runner", "--events-fd",
            str(events_fd)]


_PROBED: dict[tuple, str | None] = {}


def problem(private: Sequence[Path] = ()) -> str | None:
    """Why the sandbox cannot run here (in words), or None if it can (tried once)."""
    key = tuple(str(p) for p in private)
    if key not in _PROBED:
        try:
            cmd = bwrap_command(1, private)
            cmd = cmd[:cmd.index("--") + 1] + [sys.executable, "-I", "-c",
                                                "import teamsim.instructor.runner"]
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                                  stdin=subprocess.DEVNULL)
            _PROBED[key] = None if done.returncode == 0 else (
                f"bwrap could not start a sandbox: {done.stderr.strip()[-300:] or 'no message'}")
        except SandboxUnavailable as why:
            _PROBED[key] = str(why)
        except (OSError, subprocess.SubprocessError) as exc:
            _PROBED[key] = f"bwrap could not start a sandbox ({exc})"
    return _PROBED[key]


def refusal(reason: str) -> str:
    return (f"Grading runs every submission in a sandbox (bubblewrap), and that is not possible "
            f"here: {reason}. On Linux, install bubblewrap (`make chromium` does, or "
            f"`apt-get install bubblewrap`). Otherwise {ALTERNATIVES}.")


# -- the sandbox -------------------------------------------------------------------------------
class Output(threading.Thread):
    """Drains one of the sandbox's output pipes, keeping the first bytes and a count."""

    def __init__(self, stream: IO[bytes], keep: int = OUTPUT_KEEP) -> None:
        super().__init__(daemon=True)
        self.stream, self.keep = stream, keep
        self.kept = bytearray()
        self.total = 0

    def run(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            while chunk := self.stream.read1(65536):  # type: ignore[attr-defined]
                self.total += len(chunk)
                if len(self.kept) < self.keep:
                    self.kept += chunk[:self.keep - len(self.kept)]

    def text(self) -> str:
        return self.kept.decode("utf-8", "replace")


class Sandbox:
    """One runner process (in bubblewrap unless ``unsafe``), its pipes and its output."""

    def __init__(self, job: dict, unsafe: bool = False, private: Sequence[Path] = ()) -> None:
        read_end, write_end = os.pipe()
        self.scratch = tempfile.TemporaryDirectory(prefix="grade-scratch-") if unsafe else None
        if unsafe:
            cmd = runner_command(write_end)
            env = sandbox_env(self.scratch.name) if self.scratch else sandbox_env()
        else:
            cmd, env = bwrap_command(write_end, private), {"PATH": os.environ.get("PATH", "")}
        try:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                pass_fds=(write_end,), env=env,
                cwd=self.scratch.name if self.scratch else None)
        finally:
            os.close(write_end)
        self.events_stream = os.fdopen(read_end, "rb")
        self.events: queue.Queue[dict | None] = queue.Queue()
        self.requests: queue.Queue[bytes | None] = queue.Queue()
        self.stdout = Output(self.proc.stdout)  # type: ignore[arg-type]
        self.stderr = Output(self.proc.stderr)  # type: ignore[arg-type]
        self.gone = ""
        for thread in (self.stdout, self.stderr,
                       threading.Thread(target=self._read, daemon=True),
                       threading.Thread(target=self._write, daemon=True)):
            thread.start()
        self.send(job)

    def _read(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            while line := self.events_stream.readline(EVENT_LINE_LIMIT):
                try:
                    message = json.loads(line)
                except (ValueError, RecursionError, MemoryError):
                    message = {"event": "garbled"}
                self.events.put(message if isinstance(message, dict) else {"event": "garbled"})
        self.events.put(None)

    def _write(self) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        with contextlib.suppress(OSError, ValueError):
            while (data := self.requests.get()) is not None:
                stdin.write(data)
                stdin.flush()
            stdin.close()

    def send(self, message: dict) -> None:
        self.requests.put(json.dumps(message).encode("utf-8") + b"\n")

    def next_event(self, deadline: float) -> dict | None:
        """The next message, or None once the runner has gone; TimeoutError past ``deadline``."""
        if self.gone:
            return None
        try:
            wait = None if deadline == float("inf") else max(0.0, deadline - time.monotonic())
            message = self.events.get(timeout=wait)
        except queue.Empty:
            raise TimeoutError from None
        if message is None:
            self.gone = self.gone or "ended"
        return message

    def stop(self) -> None:
        """End the runner and everything it started; keep its output."""
        self.gone = self.gone or "stopped"
        self.requests.put(None)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=0.5)
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        for thread in (self.stdout, self.stderr):
            thread.join(timeout=5)
        self.events_stream.close()
        if self.scratch is not None:
            self.scratch.cleanup()

    def output(self) -> dict:
        return {"stdout": self.stdout.text(), "stderr": self.stderr.text(),
                "stdout_bytes": self.stdout.total, "stderr_bytes": self.stderr.total}


# -- what comes back ---------------------------------------------------------------------------
class Unreadable(Exception):
    pass


def identifier(name: object) -> str:
    text = "".join(c for c in str(name) if c.isalnum() or c == "_")[:60] or "object"
    return text if text.isidentifier() and not keyword.iskeyword(text) else f"_{text}"


def stand_in(type_name: object, text: object) -> object:
    """An object that looks like the sandbox's (its type's name and its repr), holding nothing."""
    shown = str(text)[:300]
    return type(identifier(type_name), (), {"__repr__": lambda self: shown,
                                            "__str__": lambda self: shown})()


def number(value: object) -> float:
    if isinstance(value, str) and value in ("nan", "inf", "-inf"):
        return float(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise Unreadable("not a number")


def decode(data: object, depth: int = 0) -> object:
    """An answer rebuilt from the runner's data (see ``teamsim.instructor.runner.encode``):
    plain values, numpy and pandas objects and Styles; a function becomes :data:`CALLABLE`."""
    if depth > 40 or not isinstance(data, dict):
        raise Unreadable("malformed")
    kind, value = data.get("t"), data.get("v")

    def dec(item: object) -> object:
        return decode(item, depth + 1)

    def items() -> list:
        if not isinstance(value, list):
            raise Unreadable("malformed")
        return [dec(x) for x in value]

    if kind == "none":
        return None
    if kind == "ellipsis":
        return ...
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "int" and isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if kind == "float":
        return number(value)
    if kind == "str" and isinstance(value, str):
        return value
    if kind == "style" and isinstance(value, list) and len(value) == 3:
        return Style(*(number(x) for x in value))
    if kind == "np":
        dtype = np.dtype(str(data.get("dtype")))
        if dtype.kind not in "biufU":
            raise Unreadable("unexpected dtype")
        return np.array(dec(value), dtype=dtype)[()]
    if kind == "array":
        shape = tuple(int(n) for n in data.get("shape", []))
        dtype_name = str(data.get("dtype"))
        if not isinstance(value, list):
            raise Unreadable("malformed")
        if dtype_name == "O":
            flat = np.empty(len(value), dtype=object)
            flat[:] = items() if value else []
            return flat.reshape(shape)
        dtype = np.dtype(dtype_name)
        if dtype.kind not in "biufU":
            raise Unreadable("unexpected dtype")
        cells = [number(x) if isinstance(x, str) and dtype.kind == "f" else x for x in value]
        return np.array(cells, dtype=dtype).reshape(shape)
    if kind == "index":
        values = items()
        names = [dec(n) for n in data.get("names", [])] if isinstance(data.get("names"),
                                                                      list) else []
        if values and all(isinstance(v, tuple) for v in values):
            return pd.MultiIndex.from_tuples(values, names=names or None)
        return pd.Index(values, name=dec(data.get("name", {"t": "none"})), dtype=None
                        if values else object)
    if kind == "series":
        index = dec(data.get("index"))
        return pd.Series(dec(value), index=index, name=dec(data.get("name", {"t": "none"})))
    if kind == "frame":
        index, columns = dec(data.get("index")), dec(data.get("columns"))
        frame = pd.DataFrame(dict(enumerate(items())), index=index)
        frame.columns = columns
        return frame
    if kind in ("list", "tuple", "set"):
        values = items()
        return {"list": list, "tuple": tuple}.get(kind, _set)(values)
    if kind == "dict" and isinstance(value, list):
        return {dec(k): dec(v) for k, v in value}
    if kind == "callable":
        return CALLABLE
    if kind == "opaque":
        return stand_in(data.get("type"), data.get("repr"))
    raise Unreadable(f"unknown kind {kind!r}")


def _set(values: list) -> object:
    try:
        return set(values)
    except TypeError:
        return values


CALLABLE = object()
"""What :func:`decode` gives for a function: the grader puts a :class:`SandboxPolicy` there."""


class SandboxPolicy:
    """A student's policy that stays in the sandbox: the grader's simulation asks it for every
    run's style once a week (``decide_runs``), sending only what a manager can see."""

    def __init__(self, name: str, sandbox: Sandbox) -> None:
        self.name, self.sandbox = name, sandbox
        self.__name__ = name
        self.deadline = float("inf")
        self.problem = ""
        self.last: tuple[int, int, int] | None = None

    @contextlib.contextmanager
    def budget(self, seconds: float) -> Iterator[None]:
        self.deadline = time.monotonic() + seconds
        try:
            yield
        finally:
            self.deadline = float("inf")

    def __call__(self, week: int, state: PolicyState) -> object:
        self.last = None  # a lone call: send the whole history
        return self.decide_runs(week, [state])[0]

    def __repr__(self) -> str:
        return f"<the policy {self.name} of the submission, run in its sandbox>"

    def decide_runs(self, week: int, states: Sequence[PolicyState]) -> list[object]:
        if self.problem:
            raise PolicyUnavailable(self.problem)
        first = states[0]
        key = (week, len(states), first.weeks)
        request: dict[str, object] = {
            "op": "styles", "name": self.name, "week": week, "weeks": first.weeks,
            "runs": len(states), "team_size": first.team_size, "market": first.market}
        if week > 1 and self.last == (week - 1, len(states), first.weeks):
            request["rows"] = {k: [float(getattr(s, k)[-1]) for s in states] for k in HISTORIES}
        else:
            request["full"] = {k: [getattr(s, k).tolist() for s in states] for k in HISTORIES}
        self.last = key
        reply = self.ask(request)
        if isinstance(reply.get("styles"), list) and len(reply["styles"]) == len(states):
            try:
                return [Style(*(number(x) for x in s)) for s in reply["styles"]]
            except (Unreadable, TypeError, ValueError) as exc:
                return self.fail(f"the policy's answer is not a style ({exc})")
        if isinstance(reply.get("error"), list) and len(reply["error"]) == 2:
            name, message = reply["error"]
            raise type(identifier(name), (Exception,), {})(str(message)[:500])
        if "returned" in reply:
            try:
                value = decode(reply["returned"])
            except (Unreadable, TypeError, ValueError):
                value = stand_in("object", "?")
            return [value] * len(states)  # the model says in words that it is not a Style
        return self.fail("the sandbox answered something that is not an answer")

    def fail(self, problem: str) -> list[object]:
        self.problem = problem
        raise PolicyUnavailable(problem)

    def ask(self, request: dict) -> dict:
        if self.sandbox.gone:
            self.fail(f"{self.name} cannot be asked: its sandbox has stopped")
        self.sandbox.send(request)
        try:
            reply = self.sandbox.next_event(self.deadline)
        except TimeoutError:
            self.sandbox.stop()
            self.problem = f"{self.name} took too long to answer, and its sandbox was stopped"
            self.sandbox.gone = "timeout"
            raise PolicyUnavailable(self.problem) from None
        if reply is None:
            self.fail(f"the sandbox running {self.name} stopped while it was being asked")
        assert reply is not None
        if reply.get("event") != "reply":
            self.fail("the sandbox answered something that is not an answer")
        return reply
