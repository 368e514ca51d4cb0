"""The transport under OdooAPI: one process-wide requests session (connection pooling, no
cookie ever remembered between users, the environment's proxy settings read once per server)
and the thread pool `OdooAPI.parallel()` sends its calls from."""
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

_http = None
_http_lock = threading.Lock()
_pool = None
_pool_lock = threading.Lock()
PARALLEL_WORKERS = 16


def parallel_pool():
    """The process-wide thread pool for `OdooAPI.parallel()` (threads are made on demand).

    Shared rather than one per request: starting threads for every page would cost more than
    the calls they wait on. Its size bounds the calls in flight to Odoo from this process.
    """
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=PARALLEL_WORKERS,
                                       thread_name_prefix="odoo-parallel")
    return _pool


class _OdooSession(requests.Session):
    """A requests.Session that reads what the environment says about a server (proxies and
    NO_PROXY, REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE) once per server instead of on every call:
    requests scans os.environ and looks for ~/.netrc twice per call (~0.1 ms, and under load
    each file look-up waits for the interpreter lock again). ~/.netrc is not read: Odoo knows
    its users by their session cookie, never by Basic credentials."""

    def __init__(self):
        super().__init__()
        self.trust_env = False
        self._environment = {}  # (scheme, host) -> what requests would read from the env

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        origin = urlsplit(url)[:2]
        found = self._environment.get(origin)
        if found is None:
            reader = requests.Session()  # trust_env: what requests reads for this server
            found = reader.merge_environment_settings(url, {}, None, None, None)
            reader.close()
            self._environment[origin] = found
        proxies = {**found["proxies"], **(proxies or {})}
        if verify is True or verify is None:
            verify = found["verify"]
        return super().merge_environment_settings(url, proxies, stream, verify, cert)


def http_session():
    """The process-wide requests.Session (connection pooling).

    Its cookie jar refuses every cookie: the session is shared by all users, so each call
    sends its user's `session_id` explicitly and nothing is ever remembered between users.
    """
    global _http
    with _http_lock:
        if _http is None:
            from http.cookiejar import DefaultCookiePolicy

            http = _OdooSession()
            http.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=32)
            http.mount("http://", adapter)
            http.mount("https://", adapter)
            http.headers["User-Agent"] = "Fieldkit"
            _http = http
    return _http
