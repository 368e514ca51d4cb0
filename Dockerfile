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
CMD ["gunicorn", "-c", "gunicorn.conf.py", "app:create_app()"]
