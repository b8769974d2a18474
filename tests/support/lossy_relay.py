"""A lossy path to a relay, for the round trip's degraded-path test: a UDP forwarder on
loopback in front of coturn that drops a share of the large datagrams (video), both ways.

Small datagrams (TURN's own requests and answers, most sound packets) always pass, so the
allocation succeeds as on any real lossy network; what is lost is media, which the page must
then see in its figures. Seeded, so a run loses the same share each time.
"""

from __future__ import annotations

import random
import selectors
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

MEDIA_BYTES = 300


@contextmanager
def lossy_udp_forwarder(target_port: int, drop: float, seed: int = 17) -> Iterator[int]:
    """Forward UDP on a free 127.0.0.1 port to 127.0.0.1:target_port, dropping the share drop
    of datagrams longer than MEDIA_BYTES either way; its port. Stops at the end."""
    chance = random.Random(seed)  # noqa: S311 (a test's loss pattern, not a secret)
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind(("127.0.0.1", 0))
    listener.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, None)
    upstream: dict[tuple[str, int], socket.socket] = {}
    stop = threading.Event()

    def keep(size: int) -> bool:
        return size <= MEDIA_BYTES or chance.random() >= drop

    def forward() -> None:
        while not stop.is_set():
            for key, _events in selector.select(timeout=0.1):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                try:
                    data, sender = sock.recvfrom(65535)
                except OSError:
                    continue
                if key.data is None:  # from a browser: on to coturn, from its own socket
                    out = upstream.get(sender)
                    if out is None:
                        out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                        out.bind(("127.0.0.1", 0))
                        out.setblocking(False)
                        upstream[sender] = out
                        selector.register(out, selectors.EVENT_READ, sender)
                    if keep(len(data)):
                        out.sendto(data, ("127.0.0.1", target_port))
                elif keep(len(data)):  # from coturn: back to the browser it belongs to
                    listener.sendto(data, key.data)

    thread = threading.Thread(target=forward, name="lossy-udp", daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=5)
        for sock in (listener, *upstream.values()):
            sock.close()
        selector.close()
