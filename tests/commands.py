"""`majlis` run as its users run it, a process of its own per command, without paying its
imports each time.

The suite runs the command line several hundred times, and importing majlis costs about 1.4 s
a time: half the suite's time went on imports. A zygote process (one per test worker) imports
majlis once and forks a child per command. The child takes the command's working folder,
environment, standard streams and arguments, runs `majlis.cli.main`, and exits the way a
`majlis` process exits (atexit handlers, flushed streams, the status it gives): each command
still starts from a fresh process holding nothing but the imported modules. Tests that need a
real start (the server, a process killed mid-ingest, the docs' shell scripts) still spawn one.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, NoReturn

ROOT = Path(__file__).resolve().parent.parent


def majlis(*args: str | Path, cwd: str | Path | None = None,
           env: Mapping[str, str] | None = None, input: str | None = None,
           timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """`majlis ARGS` in a process of its own, as `subprocess.run(..., capture_output=True,
    text=True)` would run it: its exit code, standard output and error (UTF-8); `input` is its
    standard input (else it reads an empty one). Raises `subprocess.TimeoutExpired` past
    `timeout` seconds, the command killed."""
    return _zygote().run([str(a) for a in args], str(cwd or os.getcwd()),
                         dict(os.environ if env is None else env), input, timeout)


class _Zygote:
    """The process that holds majlis imported and forks one child per command."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - as long as the zygote lives
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from tests.commands import serve; serve()"], cwd=ROOT,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(
                [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])},
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True,
            encoding="utf-8")

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, args: list[str], cwd: str, env: dict[str, str], input: str | None,
            timeout: float | None) -> subprocess.CompletedProcess[str]:
        with self.lock, tempfile.TemporaryDirectory() as folder:
            streams = {name: Path(folder) / name for name in ("stdin", "stdout", "stderr")}
            for name, path in streams.items():
                path.write_text(input or "" if name == "stdin" else "", encoding="utf-8")
            self._send({"args": args, "cwd": cwd, "env": env,
                        **{name: str(path) for name, path in streams.items()}})
            pid = int(self._receive(None)["pid"])
            try:
                answer = self._receive(timeout)
            except TimeoutError:
                os.kill(pid, signal.SIGKILL)
                self._receive(None)
                raise subprocess.TimeoutExpired(["majlis", *args], timeout or 0) from None
            return subprocess.CompletedProcess(
                ["majlis", *args], int(answer["returncode"]),
                streams["stdout"].read_text(encoding="utf-8"),
                streams["stderr"].read_text(encoding="utf-8"))

    def _send(self, request: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()

    def _receive(self, timeout: float | None) -> dict[str, Any]:
        assert self.process.stdout is not None
        with selectors.DefaultSelector() as waiting:
            waiting.register(self.process.stdout, selectors.EVENT_READ)
            if not waiting.select(timeout):
                raise TimeoutError
        line = self.process.stdout.readline()
        if not line:
            self.log.seek(0)
            raise RuntimeError("the majlis zygote stopped: "
                               + self.log.read().decode("utf-8", "replace"))
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(30)
        self.log.close()


_ZYGOTE: list[_Zygote] = []


def _zygote() -> _Zygote:
    """This test worker's zygote, started on first use (again if it stopped)."""
    if not _ZYGOTE or not _ZYGOTE[0].alive():
        _ZYGOTE[:] = [_Zygote()]
        atexit.register(_ZYGOTE[0].close)
    return _ZYGOTE[0]


def serve() -> None:
    """The zygote: import majlis, then for each request on standard input fork a child that
    runs it, and answer with the child's pid, then its exit status. Single-threaded, so the
    fork copies a consistent process."""
    import majlis.cli  # noqa: F401 - the import every command would pay

    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    nothing = os.open(os.devnull, os.O_RDWR)
    os.dup2(nothing, 0)
    os.dup2(nothing, 1)  # a stray print must not reach the answers
    for line in requests:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            requests.close()
            answers.close()
            _child(request)
        answers.write(json.dumps({"pid": pid}) + "\n")
        answers.flush()
        _, status = os.waitpid(pid, 0)
        answers.write(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}) + "\n")
        answers.flush()


def _child(request: dict[str, Any]) -> NoReturn:
    """Become the command's process, run it, and exit as `python -m majlis` would: the status
    it gives, a traceback and status 1 for an uncaught exception, other threads waited for,
    atexit handlers run, streams flushed. Only the modules' teardown is skipped (about a
    second a command, with nothing to show for it)."""
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    encoding = sys.__stdout__.encoding if sys.__stdout__ else "utf-8"
    for fd, name, mode in ((0, "stdin", os.O_RDONLY), (1, "stdout", os.O_WRONLY),
                           (2, "stderr", os.O_WRONLY)):
        opened = os.open(request[name], mode)
        os.dup2(opened, fd)
        os.close(opened)
    sys.stdin = _stream(0, "r", encoding)
    sys.stdout = _stream(1, "w", encoding)
    sys.stderr = _stream(2, "w", encoding, errors="backslashreplace", buffering=1)
    sys.argv = ["majlis", *request["args"]]
    status = 0
    try:
        from majlis.cli import main

        main()
    except SystemExit as done:
        status = _status(done.code)
    except BaseException:  # what the interpreter does with it, as a process
        sys.excepthook(*sys.exc_info())
        status = 1
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _status(code: object) -> int:
    """A process's exit status for `SystemExit(code)`: as the interpreter gives it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _stream(fd: int, mode: str, encoding: str, **options: Any) -> IO[str]:
    return open(fd, mode, encoding=encoding, closefd=False, **options)
