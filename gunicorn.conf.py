"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py 'app:create_app()'`.

Fieldkit spends most of a request waiting on Odoo, so each worker runs threads (gthread):
a few processes for CPU and isolation, many threads for the waiting.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT') or '8000'}")
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2, 8)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 8))
# Longer than the Odoo write timeout (ODOO_WRITE_TIMEOUT, 20 s by default) plus a retry.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can't grow for weeks.
max_requests = 2000
max_requests_jitter = 200
# Fieldkit logs one line per request itself (with its Odoo RPC counts).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Trust X-Forwarded-* only from the proxy in front (set PROXY_COUNT for the app as well).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
