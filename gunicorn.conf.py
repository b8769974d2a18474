"""Gunicorn settings, each from an environment variable documented in README.md."""

import multiprocessing
import os

from gunicorn.glogging import Logger

from app.security import RedactTokensFilter

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Start-up work (engine, catalogues) once in the arbiter; workers fork from it.
preload_app = True
# Only these addresses may set X-Forwarded-* for gunicorn itself (see also PROXY_FIX_HOPS).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
# No client address and no referrer: the access log keeps what operating the service needs.
access_log_format = '"%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'


class RedactingLogger(Logger):
    """Gunicorn's logger with personal-link tokens removed from every line it writes."""

    def setup(self, cfg):  # type: ignore[no-untyped-def]
        """Set up as usual, then filter both the access and the error log."""
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            log.addFilter(RedactTokensFilter())


logger_class = RedactingLogger


def post_fork(server, worker):  # type: ignore[no-untyped-def]
    """Give each worker its own database connections: none may cross a fork."""
    from app import db

    db.forget_connections(server.app.wsgi())
