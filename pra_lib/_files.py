"""Files and processes shared by every layer: nothing is ever left half-written, one writer
holds a folder at a time, and no process outlives the run that started it."""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

_UMASK = os.umask(0o022)
os.umask(_UMASK)  # read once, at import, before any thread starts

__all__ = ["atomic_write_text", "atomic_write_bytes", "home_as_tilde", "kill_marked", "read_json_object", "OutputError", "usable_folder", "environment_set", "FolderBusy", "exclusive_lock", "die_with_parent", "kill_children", "run_in_processes"]


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so no half-written file remains."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so no half-written file remains."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes it private; reports are shared as any file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def home_as_tilde(text: str) -> str:
    """A path with the home folder, which names the user, written as ``~``."""
    home = os.path.expanduser("~")
    return "~" + text[len(home):] if home not in ("", "/") and (text == home or text.startswith(home + os.sep)) else text


def read_json_object(path: Path) -> dict | None:
    """The JSON object in ``path``; None if it is missing, unreadable, or not an object."""
    import json

    try:
        value = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


class FolderBusy(RuntimeError):
    """Another process holds the lock on a folder."""


@contextmanager
def exclusive_lock(path: Path, *, wait: float = 0, note: str = "", on_stale=None, poll: float = 0.5):
    """Hold an exclusive ``flock`` on ``path`` for the duration of the block.

    The kernel releases a flock when its holder dies, so a lock file left by a killed process
    never blocks: it is taken over, and ``on_stale`` is called with what the dead holder had
    written in it. ``wait`` bounds how long to wait for a live holder before raising
    :class:`FolderBusy` with that holder's note.

    Examples
    --------
    >>> with exclusive_lock(Path("/tmp/example.lock"), note="pid 1"):  # doctest: +SKIP
    ...     pass
    """
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(wait, 0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
                    raise FolderBusy(holder or "another process") from None
                time.sleep(poll)
        previous = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
        if previous and on_stale is not None:
            on_stale(previous)
        if note:
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, note.encode("utf-8"), 0)
            except OSError:  # a full disk must not stop the run; the lock itself holds
                pass
        try:
            yield
        finally:
            try:
                os.ftruncate(fd, 0)
            except OSError:
                pass
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def run_in_processes(calls, *, jobs: int, setup=None, on_death=None):
    """Run ``func(arg, **kwargs)`` for each ``(func, arg, kwargs)`` in its own spawned
    process, at most ``jobs`` at a time, and yield the results as they finish.

    ``setup(parent_pid)`` runs first in each process (see :func:`die_with_parent`). A process
    that dies without answering yields ``on_death(call, process)`` instead, and the others
    go on. Processes still running when the caller stops are asked to stop (SIGTERM), then
    killed.

    Examples
    --------
    >>> list(run_in_processes([(abs, -2, {})], jobs=1))  # doctest: +SKIP
    [2]
    """
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("spawn")
    pending = list(calls)
    running = {}  # sentinel -> (process, receiving end, call)
    try:
        while pending or running:
            while pending and len(running) < jobs:
                call = pending.pop(0)
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(send, os.getpid(), setup, call), daemon=True)
                process.start()
                send.close()
                running[process.sentinel] = (process, receive, call)
            for sentinel in wait(list(running)):
                process, receive, call = running.pop(sentinel)
                answer = None
                try:
                    if receive.poll():
                        answer = (receive.recv(),)
                except (EOFError, OSError):
                    answer = None
                process.join()
                receive.close()
                yield answer[0] if answer else on_death(call, process)
    finally:
        for process, _, _ in running.values():
            process.terminate()
        for process, _, _ in running.values():
            process.join(30)
            if process.is_alive():
                process.kill()
                process.join()


def _child(send, parent: int, setup, call) -> None:
    if setup is not None:
        setup(parent)
    func, arg, kwargs = call
    send.send(func(arg, **kwargs))
    send.close()


def die_with_parent(parent: int, *, on_stop, guard: threading.Lock) -> None:
    """Make this process end when ``parent`` ends.

    Linux delivers SIGTERM on the parent's death (``prctl(PR_SET_PDEATHSIG)``), handled by
    ``on_stop`` like SIGTERM, SIGHUP and SIGINT; elsewhere, and as a second line, a watchdog
    thread notices the parent pid change and, once ``guard`` is free, kills this process's
    children and exits.
    """
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, on_stop)

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        with guard:
            kill_children()
            os._exit(1)

    threading.Thread(target=watch, daemon=True, name="die-with-parent").start()
    if os.getppid() != parent:  # the parent died before the above took effect
        on_stop(signal.SIGTERM, None)


def kill_children() -> None:
    """SIGKILL this process's children (a notebook kernel), found through ``/proc``."""
    me = str(os.getpid())
    try:
        entries = os.listdir("/proc")
    except OSError:
        return
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            if fields[1] == me:
                os.kill(int(entry), signal.SIGKILL)
        except (OSError, IndexError):
            continue


class OutputError(OSError):
    """An output folder that cannot be used: a file, read-only, or on a full disk."""


def usable_folder(out: Path) -> Path:
    """``out`` resolved and created if needed; :class:`OutputError` with one clear sentence
    when it is a file or cannot be created or written to.

    Examples
    --------
    >>> usable_folder(Path("/tmp/pra-out"))  # doctest: +SKIP
    PosixPath('/tmp/pra-out')
    """
    root = Path(out).resolve()
    if root.exists() and not root.is_dir():
        raise OutputError(f"the output folder {out} is a file; pass a folder to --out")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {out}: {exc.strerror or exc}") from None
    if not os.access(root, os.W_OK | os.X_OK):
        raise OutputError(f"the output folder {out} is read-only; pass a folder you can write to --out")
    return root


@contextmanager
def environment_set(values: dict):
    """Set environment variables for the duration of a block, then restore them."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def kill_marked(name: str, value: str) -> list[int]:
    """SIGKILL every process whose environment holds ``name=value`` (found through
    ``/proc``); the pids killed. A kernel carries ``JPY_PARENT_PID`` of the process that
    started it, so the kernel of a worker that was killed can still be found and stopped."""
    mark = f"{name}={value}".encode()
    killed = []
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return killed
    for entry in entries:
        try:
            with open(f"/proc/{entry}/environ", "rb") as handle:
                if mark in handle.read().split(b"\0"):
                    os.kill(int(entry), signal.SIGKILL)
                    killed.append(int(entry))
        except OSError:
            continue
    return killed
