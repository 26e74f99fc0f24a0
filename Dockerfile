# One image for web, worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=cpc.settings.production

# Pango and fonts for WeasyPrint.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core fonts-liberation \
       shared-mime-info \
    && rm -rf /var/lib/apt/lists/*

# Every process runs from /app: Python imports the project from this copy (the working
# directory comes first on sys.path) and reads templates/ and static/ here; `pip install .`
# brings the dependencies. .ci/run builds and smoke-tests the same layout without Docker.
WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
RUN pip install --no-cache-dir . \
    && useradd --system --home /app cpc \
    && mkdir -p /app/var /data/private \
    && chown -R cpc /app/var /data/private

# collectstatic needs settings but no secrets of value.
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost SITE_URL=http://localhost \
    python manage.py collectstatic --noinput

USER cpc
EXPOSE 8000
# Workers, threads, timeouts: gunicorn.conf.py.
CMD ["gunicorn", "cpc.wsgi:application", "-c", "gunicorn.conf.py"]
