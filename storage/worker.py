"""Work too long for the event loop run in a niced Python process of its own: the exports'
reads, the stall scan of every pair, zipping a large file, drawing a chart.

A thread would share the interpreter lock with every chat, and a `multiprocessing` child starts
at the parent's priority and imports the parent's main module (the whole bot) before it could
lower its own. This child lowers its priority before it imports anything, then imports only
what its function needs. The function and its arguments go to it pickled on its stdin, the
result (or the exception) comes back pickled on its stdout.
"""

from __future__ import annotations

import asyncio
import pickle
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

NICENESS = 10  # on a busy machine the chats' process gets the CPU first
# Nothing but os and sys before the niceness is set: the imports of the work are the child's
# too. The child finds modules where this process does (its paths follow as arguments).
BOOT = (
    f"import os, sys; os.nice({NICENESS}); sys.path[:0] = sys.argv[1:]; "
    "from storage.worker import serve; serve()"
)

T = TypeVar("T")


class WorkerFailedError(RuntimeError):
    """The worker process ended without an answer (killed, or out of memory)."""


async def in_process(work: Callable[..., T], *args: object) -> T:
    """`work(*args)` in a niced process of its own. `work` and `args` must pickle (a
    module-level function, plain data); its exception is raised here, with the child's
    traceback as a note. Cancelled, the process is killed."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        BOOT,
        *sys.path,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        answer, _ = await process.communicate(pickle.dumps((work, args)))
    except BaseException:
        if process.returncode is None:
            process.kill()
            await process.wait()
        raise
    if process.returncode != 0 or not answer:
        raise WorkerFailedError(f"{work.__qualname__} ended with exit code {process.returncode}")
    result: tuple[bool, Any, str] = pickle.loads(answer)
    done, value, trace = result
    if not done:
        value.add_note(f"in the worker process:\n{trace}")
        raise value
    return value  # type: ignore[no-any-return]


def serve() -> None:
    """The child's side: run the pickled call from stdin, answer on stdout."""
    answer = sys.stdout.buffer
    sys.stdout = sys.stderr  # whatever the work prints must not mix with the answer
    work, args = pickle.load(sys.stdin.buffer)
    try:
        result = (True, work(*args), "")
    except Exception as error:  # every failure goes back to the caller
        result = (False, error, traceback.format_exc())
    try:
        data = pickle.dumps(result)
    except Exception:  # an exception that does not pickle, told in words
        data = pickle.dumps((False, RuntimeError(repr(result[1])), result[2]))
    answer.write(data)
    answer.flush()
