"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py 'app:create_app()'`.

Fieldkit spends most of a request waiting on Odoo, so each worker runs threads (gthread):
a few processes for CPU and isolation, many threads for the waiting.
"""
import glob
import multiprocessing
import os
import tempfile

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT') or '8000'}")
# An empty variable (a blank line of .env passed by compose) counts as unset.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(multiprocessing.cpu_count() * 2, 8))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 8)
# Longer than the Odoo write timeout (ODOO_WRITE_TIMEOUT, 20 s by default) plus a retry.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
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

# Metrics (prometheus-client's multiprocess mode, app/platform/metrics.py): every worker writes
# its values to files in this folder and /metrics adds them up. Set here, in the master, before
# any worker imports prometheus_client.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="fieldkit-metrics-")
os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)


def on_starting(server):
    # Values of an earlier run would be added to this one's.
    for path in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
        os.remove(path)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Before a new (or recycled) worker takes requests: compile the templates, so its first
    request of each page does not pay for it (app.compile_templates)."""
    from app import compile_templates

    app = worker.wsgi
    count = compile_templates(app)
    worker.log.info("worker %s: %d templates compiled", worker.pid, count)
