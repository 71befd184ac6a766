"""External programs (the OCR engine, the operator's speech command), run off the event loop
with a time limit."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)


class ProgramMissing(Exception):
    """The program is not installed (or not executable) where the configuration says."""


class ProgramFailed(Exception):
    """The program exited with an error or took too long."""


@dataclass(frozen=True)
class Finished:
    """What a program printed."""

    stdout: bytes
    stderr: bytes


async def run(args: list[str], timeout: float, stdin: bytes | None = None) -> Finished:
    """Run a program (no shell), feed it stdin, and wait at most `timeout` seconds; a program
    still running then is killed. ProgramMissing or ProgramFailed otherwise."""
    try:
        process = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except (FileNotFoundError, PermissionError, NotADirectoryError) as error:
        raise ProgramMissing(str(error)) from None
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(stdin), timeout)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        log.warning("%s took longer than %s s and was stopped", args[0], timeout)
        raise ProgramFailed(f"{args[0]}: timed out") from None
    if process.returncode != 0:
        log.info("%s failed (%s): %s", args[0], process.returncode, stderr[-500:])
        raise ProgramFailed(stderr.decode("utf-8", "replace")[-500:])
    return Finished(stdout, stderr)
