"""coturn, Debian's TURN server, on loopback for one test run: started with the operator's
settings (use-auth-secret) and a throwaway secret, always stopped afterwards.

`make services` installs it; without it the tests that need a relay fail and say so (a test
that needs a real relay must not pass without one).
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.server import free_port

TURNSERVER = "turnserver"
REALM = "valmis.test"
START_SECONDS = 15.0


@dataclass(frozen=True)
class Coturn:
    """A running relay: its port, secret and log."""

    port: int
    secret: str
    udp: bool
    log: Path

    @property
    def urls(self) -> str:
        """TURN_URLS for this relay: UDP (when on) and TCP on the same port."""
        tcp = f"turn:127.0.0.1:{self.port}?transport=tcp"
        return f"turn:127.0.0.1:{self.port}?transport=udp {tcp}" if self.udp else tcp


def turnserver_path() -> str:
    """turnserver's path; fail with what to do when coturn is missing."""
    path = shutil.which(TURNSERVER) or ("/usr/bin/turnserver"
                                        if Path("/usr/bin/turnserver").exists() else None)
    if path is None:
        raise RuntimeError("coturn is missing: `make services` installs it "
                           "(Debian: apt-get install coturn)")
    return path


def _listening(port: int) -> bool:
    """Whether something accepts TCP connections on 127.0.0.1:port."""
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def coturn(folder: Path, secret: str, *, udp: bool = True,
           config: Path | None = None) -> Iterator[Coturn]:
    """coturn on 127.0.0.1 relaying to loopback peers only; udp=False is a network where
    UDP is blocked (coturn's --no-udp: TURN over TCP only). With config (an operator's
    turnserver.conf) its settings apply, and only address, port, files and secret are set
    here."""
    port = free_port()
    log = folder / f"coturn-{port}.log"
    settings = (["-c", str(config), f"--log-file={log}"] if config else [
        "-n", "--use-auth-secret", f"--realm={REALM}", "--no-tls", "--no-dtls",
        "--allow-loopback-peers", "--no-multicast-peers", "--no-cli",
        "--no-software-attribute", "--log-file=stdout", "--simple-log"])
    command = [
        turnserver_path(), *settings, "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1",
        f"--listening-port={port}", f"--static-auth-secret={secret}",
        f"--pidfile={folder / f'coturn-{port}.pid'}", f"--userdb={folder / f'turndb-{port}'}",
        *([] if udp else ["--no-udp"]),
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _listening(port):
            if process.poll() is not None:
                raise RuntimeError(f"coturn exited with {process.returncode}:\n"
                                   f"{log.read_text(errors='replace')[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"coturn did not listen on {port} in {START_SECONDS:.0f} s")
            time.sleep(0.05)
        yield Coturn(port, secret, udp, log)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def allocate(relay: Coturn, username: str, password: str, *, tcp: bool = False) -> bool:
    """Whether coturn's own test client gets an allocation with these credentials."""
    command = ["turnutils_uclient", "-u", username, "-w", password, "-e", "127.0.0.1",
               "-n", "1", "-m", "1", "-y", "-p", str(relay.port),
               *(["-t"] if tcp else []), "127.0.0.1"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=20, check=False)
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0
