"""gunicorn with a TURN relay: the checks page's media round trip against a real coturn.

One harness for the end-to-end tests of the round trip and for its benchmark: coturn on
loopback (tests/support/coturn.py), and gunicorn whose TURN_URLS and TURN_SECRET point at it,
both stopped at the end whatever happens. Without a relay, gunicorn has no TURN_URLS (as
`make run` by default) and the page's round trip stays inside the browser.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from tests.support.coturn import Coturn, coturn
from tests.support.lossy_relay import lossy_udp_forwarder
from tests.support.server import LiveServer, compile_catalogues, flask, free_port, gunicorn

# Records every getStats() answer of the page, as plain lists, in window.__valmisStats: the
# measurements' raw material, for the benchmark and the node tests' recorded snapshots.
RECORD_STATS = """
(() => {
  const original = globalThis.RTCPeerConnection?.prototype.getStats;
  if (!original) return;
  const seen = (globalThis.__valmisStats = []);
  globalThis.RTCPeerConnection.prototype.getStats = async function (...args) {
    const report = await original.apply(this, args);
    // The sending connection made the offer; the receiving one answered it.
    const role = this.localDescription?.type === "offer" ? "sender" : "receiver";
    seen.push({ role, stats: [...report.values()] });
    return report;
  };
})();
"""


@contextmanager
def relay_server(folder: Path, relay: str | None,
                 drop: float = 0.0) -> Iterator[tuple[LiveServer, Coturn | None]]:
    """gunicorn (testing settings, its own database) with relay "udp" (coturn with UDP and
    TCP), "tcp" (coturn with UDP off: a network that blocks UDP) or None (no relay). With drop,
    the page reaches coturn over UDP only, through a forwarder that loses that share of the
    media both ways (tests/support/lossy_relay.py)."""
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        turn: Coturn | None = None
        urls = ""
        if relay is not None:
            turn = stack.enter_context(coturn(folder, secrets.token_hex(16), udp=relay == "udp"))
            urls = turn.urls
        if turn is not None and drop > 0:
            lossy = stack.enter_context(lossy_udp_forwarder(turn.port, drop))
            urls = f"turn:127.0.0.1:{lossy}?transport=udp"
        port = free_port()
        environment = {
            **os.environ,
            "VALMIS_ENV": "testing",
            "VALMIS_INSTANCE_DIR": str(folder),
            "DATABASE_URL": f"sqlite:///{folder / 'relay.db'}",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "1",
            "ACCESS_LOG": str(folder / "access.log"),
            "WEBAUTHN_RP_ID": "localhost",
            "WEBAUTHN_ORIGIN": f"http://localhost:{port}",
            "TURN_URLS": urls,
            "TURN_SECRET": turn.secret if turn else "",
        }
        compile_catalogues()
        flask(environment, "init-db")
        error_log = folder / "error.log"
        stack.enter_context(gunicorn(environment, error_log))
        yield (LiveServer(f"http://localhost:{port}", folder / "access.log", error_log,
                          environment, folder / "relay.db"), turn)
