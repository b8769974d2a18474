"""The project's gunicorn.conf.py for bench/hello_wsgi.py: every setting the same (workers,
threads, worker class, keep-alive, logging), only the post_fork hook left out, because it
resets the Valmis app's database connections and the hello app has none."""

import runpy
from pathlib import Path

_settings = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
globals().update({name: value for name, value in _settings.items()
                  if not name.startswith("_") and name != "post_fork"})
