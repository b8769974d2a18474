"""How much the service worker keeps for offline use, per language and path.

Run: `python bench/bench_precache.py`. Asks the app (Flask's test client, no server) what
/sw.js pre-caches (every hashed asset of the release) and what /offline/pages.json lists for
each language and path, fetches each page without cookies as the worker does, adds the
drawings the pages show, and prints the bytes (uncompressed, as Cache Storage holds them).
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    """Print a table: language, path, pages, drawings, page bytes, asset bytes, total."""
    folder = tempfile.mkdtemp(prefix="valmis-precache-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.db")
    from app import create_app, db
    from app.i18n import LANGUAGE_CODES
    from app.steps import STEPS

    app = create_app({"TESTING": True})
    db.upgrade(app)
    client = app.test_client()
    worker = client.get("/sw.js").get_data(as_text=True)
    match = re.search(r"const ASSETS = (\[.*?\]);", worker)
    assert match, "no asset list in /sw.js"
    asset_bytes = 0
    for url in json.loads(match.group(1)):
        with client.get(url) as answer:
            asset_bytes += len(answer.data)
    print(f"assets kept at install (all languages and paths): {asset_bytes / 1024:.1f} KiB")
    print(f"{'lang':4} {'path':4} {'pages':>5} {'drawings':>8} {'pages KiB':>9} "
          f"{'total KiB':>9}")
    for language in LANGUAGE_CODES:
        for path in STEPS:
            listing = client.get(f"/offline/pages.json?lang={language}&path={path}").get_json()
            page_bytes = 0
            drawings: set[str] = set()
            for url in listing["pages"]:
                html = app.test_client().get(url).data
                page_bytes += len(html)
                drawings.update(re.findall(r'src="(/illustrations/[^"]+)"', html.decode()))
            for url in drawings:
                page_bytes += len(client.get(url).data)
            total = (page_bytes + asset_bytes) / 1024
            print(f"{language:4} {path:4} {len(listing['pages']):5d} {len(drawings):8d} "
                  f"{page_bytes / 1024:9.1f} {total:9.1f}")
    app.extensions["valmis.db"].dispose()


if __name__ == "__main__":
    main()
