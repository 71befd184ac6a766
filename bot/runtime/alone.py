"""Heavy work in a process of its own, started for it and ended after it (Offload.run_alone).

    python -m bot.runtime.alone

reads from its standard input two pickles: the parent's sys.path, then (fn, args); runs
fn(*args) below the bot (bot/runtime/priority.py) and writes one pickle to its standard
output: (True, result) or (False, the exception raised). Anything fn prints goes to standard
error. The process imports only what fn's module needs: an export of 100,000 rows peaks at
88 MB here, where a worker process (a copy of the fork server, with the PDF and chart
libraries loaded) starts at 100 MB (benchmarks/export.py).
"""

from __future__ import annotations

import os
import pickle
import sys

from bot.runtime import priority


def main() -> int:
    """Read the work, do it, write what came of it."""
    priority.lower_process()
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what fn prints is not the answer
    given = sys.stdin.buffer
    sys.path[:] = pickle.load(given)
    fn, args = pickle.load(given)
    try:
        out: tuple[bool, object] = (True, fn(*args))
    except Exception as error:  # handed back, raised in the bot
        out = (False, error)
    try:
        data = pickle.dumps(out)
    except Exception as error:  # a result or an exception that does not pickle
        data = pickle.dumps((False, RuntimeError(f"{fn.__qualname__}: {error!r}")))
    answer.write(data)
    answer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
