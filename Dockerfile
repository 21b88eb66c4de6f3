# One image for web (gunicorn), worker and beat (celery). Debian 12's Python 3.11, as on our machines.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/var/lib/portal \
    STATIC_ROOT=/app/staticfiles

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app --shell /usr/sbin/nologin portal

WORKDIR /app
# The packages of uv.lock (exact versions, checked by hash): the portal's and the s3 extra, no dev or load tools.
COPY pyproject.toml uv.lock ./
RUN pip install --no-cache-dir "uv==0.13.9" \
    && uv export --locked --no-dev --extra s3 --no-emit-project --format requirements-txt -o /tmp/requirements.txt \
    && pip install --no-cache-dir --no-deps --require-hashes -r /tmp/requirements.txt \
    && pip uninstall --yes uv && rm /tmp/requirements.txt
COPY . .
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-a-secret-0123456789abcdef0123456789abcdef \
       python manage.py collectstatic --noinput \
    && mkdir -p /var/lib/portal && chown portal /var/lib/portal

USER portal
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--config", "python:config.gunicorn", "--bind", "0.0.0.0:8000", "--workers", "4"]
