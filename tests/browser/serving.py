"""Start `funnel serve` as a real process on a free port and wait for its page."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT_S = 20.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def funnel_env() -> dict[str, str]:
    """The test's environment (already isolated by the autouse fixture), in English."""
    return {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, sig: int = signal.SIGINT, timeout: float = 15.0) -> int:
        """Stop it as Ctrl+C does; its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


def fetch(url: str, timeout: float = 2.0) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        body: bytes = response.read()
        return body.decode("utf-8")


@contextmanager
def serving(db: Path, *options: str, log: Path) -> Iterator[Served]:
    """`funnel --db DB serve --port <free> OPTIONS`, up and answering; stopped afterwards."""
    port = free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "funnel_tui",
                "--db",
                str(db),
                "serve",
                "--port",
                str(port),
                *options,
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=funnel_env(),
        )
    served = Served(process, port, f"http://127.0.0.1:{port}/", log)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise AssertionError(f"funnel serve exited early:\n{served.output()}")
            try:
                fetch(served.url)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"funnel serve did not answer in {START_TIMEOUT_S:g} s:\n{served.output()}"
                    ) from None
                time.sleep(0.1)
        yield served
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
