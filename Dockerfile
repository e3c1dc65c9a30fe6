# Arsip service image: Debian slim + Python 3.11, non-root, `arsip serve` (gunicorn processes, waitress connections:
# slow clients are buffered and timed out, no proxy needed; docs/deployment.md), health check on /healthz.
# Build: docker build -t arsip .   Run: docker run -p 8000:8000 -v arsip-data:/data arsip
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    ARSIP_DATA_DIR=/data

# postgresql-client-15: pg_dump / pg_restore for `arsip backup` and `arsip restore` on PostgreSQL (the compose
# file's server is postgres:15; the client's major version must be at least the server's).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libmagic1 curl tini tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --uid 10001 arsip \
 && mkdir -p /data && chown arsip:arsip /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY archive_service ./archive_service
COPY indexer ./indexer
COPY retention ./retention
COPY schemas ./schemas
RUN pip install .

USER arsip
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1

# tini reaps the OCR processes of extraction workers that were killed for running over their time limit.
ENTRYPOINT ["/usr/bin/tini", "--"]
# `arsip serve` migrates the database first, then runs 2 web processes of 4 threads (one also runs the index worker).
# Timeouts for slow or idle clients: ARSIP_SERVER_HEADER_TIMEOUT, _READ_TIMEOUT, _KEEPALIVE_TIMEOUT (30/30/75 s).
CMD ["arsip", "serve", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4"]
