# syntax=docker/dockerfile:1
# Production image: dependencies in a venv, translations compiled, non-root, gunicorn.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /srv/valmis
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
RUN /opt/venv/bin/pip install .
COPY . .
RUN /opt/venv/bin/pybabel compile -d translations

FROM python:3.11-slim
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VALMIS_ENV=production \
    VALMIS_INSTANCE_DIR=/var/lib/valmis \
    HOST=0.0.0.0 \
    PORT=8000
RUN useradd --system --uid 10001 --home-dir /srv/valmis valmis \
    && install -d -o valmis -g valmis /var/lib/valmis
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=root:root /srv/valmis /srv/valmis
WORKDIR /srv/valmis
USER valmis
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=4)"]
CMD ["sh", "-c", "flask --app wsgi init-db && exec gunicorn -c gunicorn.conf.py wsgi:app"]
