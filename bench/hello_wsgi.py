"""A bare Flask "hello" app: the yardstick for the start page's throughput (bench_perf.py).

Served by bench/hello.gunicorn.conf.py, which is the project's gunicorn.conf.py without the
database hook, so both apps run on exactly the same gunicorn settings.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The smallest useful answer."""
    return "Hello, World!"
