# Fieldkit production image: slim Python, non-root, gunicorn.
#   docker build -t fieldkit .                       the app (the last stage, the default)
#   docker build --target emulator -t fieldkit-emulator .   the Odoo emulator, for demos
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv/fieldkit
RUN useradd --create-home --uid 10001 fieldkit

COPY requirements.txt .
RUN pip install -r requirements.txt
RUN mkdir -p instance && chown fieldkit:fieldkit instance


# The Odoo emulator (docker compose --profile demo): never in front of real users.
FROM base AS emulator
# The emulator's time zones come from zoneinfo, which needs the IANA data (slim has none).
RUN pip install tzdata==2026.6
COPY odoo_emulator ./odoo_emulator
RUN mkdir -p /data && chown fieldkit:fieldkit /data
USER fieldkit
EXPOSE 8069
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=6 \
    CMD python -c "import socket; socket.create_connection(('127.0.0.1', 8069), timeout=2).close()"
CMD ["python", "-m", "odoo_emulator", "--host", "0.0.0.0", "--port", "8069", \
     "--data", "/data/emulator.sqlite3", "--quiet"]


FROM base AS app
ENV FIELDKIT_ENV=production \
    PORT=8000
COPY app ./app
COPY gunicorn.conf.py .

USER fieldkit
EXPOSE 8000
# Liveness only (/healthz asks nothing of Odoo): an Odoo outage must not get Fieldkit restarted.
# Readiness (/readyz) is for the load balancer to stop sending traffic.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"
CMD ["gunicorn", "-c", "gunicorn.conf.py", "app:create_app()"]
