"""coturn, Debian's TURN server, on loopback for one test run: started with the operator's
settings (use-auth-secret) and a throwaway secret, always stopped afterwards.

`make services` installs it; without it the tests that need a relay fail and say so (a test
that needs a real relay must not pass without one).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import signal
import socket
import struct
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


def _answers_udp(port: int) -> bool:
    """Whether coturn answers a STUN Binding request on UDP port (its UDP listener starts
    apart from the TCP one, and may come up later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.settimeout(0.5)
        try:
            probe.sendto(struct.pack("!HHI", 0x0001, 0, 0x2112A442) + os.urandom(12),
                         ("127.0.0.1", port))
            return len(probe.recv(2048)) >= 20
        except OSError:  # refused (not listening yet) or no answer in time
            return False


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
        while not _listening(port) or (udp and not _answers_udp(port)):
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


# STUN/TURN (RFC 5389, RFC 5766): just enough of an Allocate to ask coturn whether it takes a
# credential, without a client program's timing (coturn's own client also times its messages).
_MAGIC = 0x2112A442
_ALLOCATE, _ALLOCATE_OK, _ALLOCATE_ERROR = 0x0003, 0x0103, 0x0113
_USERNAME, _INTEGRITY, _ERROR_CODE, _REALM, _NONCE, _TRANSPORT = (
    0x0006, 0x0008, 0x0009, 0x0014, 0x0015, 0x0019)
ANSWER_SECONDS = 10.0
UDP_TRIES = 5


def _attribute(kind: int, value: bytes) -> bytes:
    """A STUN attribute, padded to 4 bytes."""
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * (-len(value) % 4)


def _message(kind: int, transaction: bytes, attributes: bytes) -> bytes:
    return struct.pack("!HHI", kind, len(attributes), _MAGIC) + transaction + attributes


def _attributes(body: bytes) -> dict[int, bytes]:
    """A STUN message's attributes by type (the first of each)."""
    found: dict[int, bytes] = {}
    at = 20
    while at + 4 <= len(body):
        kind, length = struct.unpack_from("!HH", body, at)
        found.setdefault(kind, body[at + 4:at + 4 + length])
        at += 4 + length + (-length % 4)
    return found


def _exchange(connection: socket.socket, request: bytes, tcp: bool) -> bytes:
    """Send one request on the connection and read its answer (a datagram, or one message
    from the TCP stream)."""
    if not tcp:
        # UDP may lose a datagram: send again, as STUN clients do, until the answer comes.
        for _ in range(UDP_TRIES - 1):
            connection.sendall(request)
            try:
                return connection.recv(2048)
            except TimeoutError:
                continue
        connection.sendall(request)
        return connection.recv(2048)
    connection.sendall(request)
    answer = b""
    while len(answer) < 20 or len(answer) < 20 + struct.unpack_from("!H", answer, 2)[0]:
        chunk = connection.recv(2048)
        if not chunk:
            break
        answer += chunk
    return answer


def allocate(relay: Coturn, username: str, password: str, *, tcp: bool = False) -> bool:
    """Whether coturn grants a relay allocation for this username and password (long-term
    credentials: the first request learns the realm and nonce, the second is signed)."""
    # One connection for both requests: coturn keeps the nonce for this client's address.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM) as link:
        link.settimeout(ANSWER_SECONDS)
        link.connect(("127.0.0.1", relay.port))
        return _signed_allocate(link, username, password, tcp)


def _signed_allocate(link: socket.socket, username: str, password: str, tcp: bool) -> bool:
    """allocate's two requests on one connection."""
    transport = _attribute(_TRANSPORT, bytes([17, 0, 0, 0]))  # relay UDP
    first = _exchange(link, _message(_ALLOCATE, os.urandom(12), transport), tcp)
    challenge = _attributes(first)
    if struct.unpack_from("!H", first)[0] != _ALLOCATE_ERROR or _NONCE not in challenge:
        raise AssertionError(f"coturn did not ask for credentials: {first[:40]!r}")
    realm, nonce = challenge[_REALM], challenge[_NONCE]
    signed = (transport + _attribute(_USERNAME, username.encode())
              + _attribute(_REALM, realm) + _attribute(_NONCE, nonce))
    transaction = os.urandom(12)
    # MESSAGE-INTEGRITY covers the message as if it ended with itself (its 24 bytes counted).
    header = struct.pack("!HHI", _ALLOCATE, len(signed) + 24, _MAGIC) + transaction
    key = hashlib.md5(f"{username}:{realm.decode()}:{password}".encode()).digest()  # noqa: S324
    integrity = hmac.new(key, header + signed, hashlib.sha1).digest()
    answer = _exchange(link, header + signed + _attribute(_INTEGRITY, integrity), tcp)
    kind = struct.unpack_from("!H", answer)[0]
    if kind == _ALLOCATE_OK:
        return True
    code = _attributes(answer).get(_ERROR_CODE, b"\0\0\0\0")
    if kind == _ALLOCATE_ERROR and code[2] * 100 + code[3] in (401, 403, 438):
        return False  # refused: wrong credential, forbidden or a stale nonce
    raise AssertionError(f"unexpected answer to a signed Allocate: {kind:#06x} {code!r}")
