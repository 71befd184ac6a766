"""`python -m sandbox [--port 8080] [--flood]`: serve the sandbox until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from sandbox.server import SandboxServer


async def serve(host: str, port: int, flood: bool) -> int:
    """Run the server until SIGINT/SIGTERM; return the exit status."""
    server = SandboxServer(host=host, port=port, flood=flood)
    try:
        url = await server.start()
    except OSError as exc:
        print(f"sandbox: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(f"Sandbox Telegram at {url}", flush=True)
    print(f"  Bot API base_url: {url}/bot    chat page: {url}/", flush=True)
    print(f"  flood limits: {'on' if flood else 'off'}    Ctrl-C stops.", flush=True)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await server.stop()
    print("Sandbox stopped.", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and serve."""
    parser = argparse.ArgumentParser(
        prog="python -m sandbox", description="A local stand-in for the Telegram Bot API."
    )
    parser.add_argument("--port", type=int, default=8080, help="port (0: any free port)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        choices=["127.0.0.1", "::1", "localhost"],
        help="loopback address to listen on",
    )
    parser.add_argument("--flood", action="store_true", help="enforce Telegram's flood limits")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(serve(args.host, args.port, args.flood))
    return 0


if __name__ == "__main__":
    sys.exit(main())
