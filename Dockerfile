# Fieldkit production image: slim Python, non-root, gunicorn.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FIELDKIT_ENV=production \
    PORT=8000

WORKDIR /srv/fieldkit
RUN useradd --create-home --uid 10001 fieldkit

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY app ./app
COPY gunicorn.conf.py .
RUN mkdir -p instance && chown fieldkit:fieldkit instance

USER fieldkit
EXPOSE 8000
# Liveness only (/healthz asks nothing of Odoo): an Odoo outage must not get Fieldkit restarted.
# Readiness (/readyz) is for the load balancer to stop sending traffic.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"
CMD ["gunicorn", "-c", "gunicorn.conf.py", "app:create_app()"]
