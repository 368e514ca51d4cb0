"""The emulator's server state: storage, registry, xml ids, sessions, API keys, dispatch."""

import contextlib
import datetime as dt
import json
import logging
import os
import secrets
import tempfile
import threading
import time
from zoneinfo import ZoneInfo

from . import security, signatures
from .exceptions import AccessDenied, AccessError, NotFound, no_such_method
from .models import all_models, oca_fieldservice
from .orm import INTERNAL, Env, Field, Registry, domain_lib
from .storage import Storage

log = logging.getLogger("odoo_emulator")

DB_NAME = "fieldkit"
SERVER_VERSIONS = {
    15: ("15.0", [15, 0, 0, "final", 0, ""]),
    16: ("16.0", [16, 0, 0, "final", 0, ""]),
    17: ("17.0", [17, 0, 0, "final", 0, ""]),
    18: ("18.0+e", [18, 0, 0, "final", 0, "e"]),
    19: ("19.0+e", [19, 0, 0, "final", 0, "e"]),
}
SESSION_MAX_AGE = 604800


# Injected faults (tests): a 502, a hang then 504, or the call applied and its answer lost.
FAULT_MODES = ("502", "hang", "applied")

class SessionStore(dict):
    """Web sessions by id, written through to the data file: real Odoo keeps its sessions
    across restarts (on disk), so a restart must not log everyone out. Only logged-in sessions
    are kept; the anonymous ones a logout hands out are not worth a row."""

    TABLE = "web_sessions"

    def __init__(self, storage, lock):
        super().__init__()
        self.storage, self.lock = storage, lock
        with lock:
            storage.conn.execute(f"CREATE TABLE IF NOT EXISTS {self.TABLE} "
                                 "(sid TEXT PRIMARY KEY, data TEXT)")
            for sid, data in storage.conn.execute(f"SELECT sid, data FROM {self.TABLE}"):
                super().__setitem__(sid, json.loads(data))

    def __setitem__(self, sid, value):
        super().__setitem__(sid, value)
        if value.get("uid"):
            with self.lock:
                self.storage.conn.execute(f"INSERT OR REPLACE INTO {self.TABLE} VALUES (?, ?)",
                                          (sid, json.dumps(value)))

    def pop(self, sid, *default):
        value = super().pop(sid, *default)
        with self.lock:
            self.storage.conn.execute(f"DELETE FROM {self.TABLE} WHERE sid=?", (sid,))
        return value

    def clear(self):
        super().clear()
        with self.lock:
            self.storage.conn.execute(f"DELETE FROM {self.TABLE}")


class _Snapshots:
    """Seeded demo data kept per process, by what it depends on (see `_snapshot_key`): a
    reset or a new emulator of the same demo restores it instead of seeding again, which is
    what most tests' setup spent its time on. The test suite's shared emulators hold ~26
    demos (versions x add-ons x pinned days) and a test worker meets most of them: with 12 the
    oldest were dropped and seeded again (7 times in 1,171 tests). ~2 MB each."""

    MAX = 32

    def __init__(self):
        self._items = {}
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            return self._items.get(key)

    def put(self, key, snapshot):
        with self._lock:
            if len(self._items) >= self.MAX:
                self._items.pop(next(iter(self._items)))
            self._items[key] = snapshot


_snapshots = _Snapshots()


class EmulatorState:
    def __init__(self, data_path=None, version=17, today=None, latency_ms=0,
                 fieldservice_project=False, addons=()):
        if version not in SERVER_VERSIONS:
            raise ValueError(f"unsupported Odoo version {version}")
        self.version = version
        self.lock = threading.RLock()
        self._started_with = {"latency_ms": latency_ms, "today": today}
        self._tmpdir = None
        if data_path is None:
            self._tmpdir = tempfile.mkdtemp(prefix="odoo-emulator-")
            data_path = os.path.join(self._tmpdir, "fieldkit.sqlite3")
        self.data_path = data_path
        self.registry = Registry(version, all_models())
        self.registry.acl = security.acl_for(version)
        self.registry.rules = security.rules_for(version)
        # OCA add-ons the recorded servers lack (models/oca_fieldservice.py), on demand
        self.addons = oca_fieldservice.resolve(
            (*addons, *(["fieldservice_project"] if fieldservice_project else [])), version)
        oca_fieldservice.install(self.registry, self.addons)
        self.storage = Storage(data_path)
        self.sessions = SessionStore(self.storage, self.lock)
        self._reset_knobs()
        self.seeded_now = False
        self._group_cache = {}
        with self.lock:
            meta_version = self.storage.get_meta("odoo_version")
            # a file seeded with other add-ons lacks (or has) their models: seed it again
            meta_addons = self.storage.get_meta("addons")
            other_addons = meta_version is not None and sorted(meta_addons or []) != sorted(
                self.addons)
            if meta_version is None or meta_version != version or other_addons:
                if meta_version is not None:
                    log.warning("data file was seeded for Odoo %s (add-ons %s); re-seeding for "
                                "%s (add-ons %s)", meta_version, meta_addons, version,
                                list(self.addons))
                self._seed()
                self.sessions.clear()  # sessions of another version's data
            self._load_indexes()

    def _reset_knobs(self):
        """What tests turn (handle.fail_next, set_sms_credit, set_mail_server, these attributes)
        and what the server keeps in memory beside the data, as when it started."""
        self.latency_ms = self._started_with["latency_ms"]
        self.today = self._started_with["today"]  # datetime.date or None (pinned demo "today")
        self.faults = {"count": 0, "mode": "502", "hang_seconds": 30, "path": ""}
        self.sms_credit = False      # as recorded: no IAP credit, so every SMS fails
        self.mail_server = "sent"    # see models/mail.py MAIL_SERVER_MODES
        # Odoo's login cooldown (res.users._assert_can_auth): failures per source address since
        # its last success, kept in memory. New databases get the system parameters
        # base.login_cooldown_after = 10 and base.login_cooldown_duration = 60 (seconds);
        # tests change these attributes (0 disables it, as in Odoo).
        self.login_cooldown_after = 10
        self.login_cooldown_duration = 60
        self.login_failures = {}
        # Odoo started with --proxy-mode: the source address is the last X-Forwarded-For entry,
        # but only on requests that carry X-Forwarded-Host (odoo/http.py applies ProxyFix then).
        self.proxy_mode = False

    # -- seeding ----------------------------------------------------------------------------
    def _seed(self):
        """Fill the data file with the demo data: from this process's snapshot of the same
        demo (version, add-ons, "today") when there is one, else by seeding (then saved)."""
        key = self._snapshot_key()
        if not self.storage.restore(_snapshots.get(key)):
            self._seed_demo()
            _snapshots.put(key, self.storage.snapshot())
        self.seeded_now = True

    def _snapshot_key(self):
        """What the demo data depends on. Unpinned, "today" is each demo user's local date,
        so the key holds the UTC quarter hour (every time zone's date changes on one)."""
        now = dt.datetime.now(dt.UTC)
        when = self.today.isoformat() if self.today else \
            f"{now:%Y-%m-%d %H} {now.minute // 15}"
        return (self.version, when, tuple(sorted(self.addons)),
                tuple(sorted(self.registry.classes)))

    def _seed_demo(self):
        from .demo import seed
        self.storage.wipe()
        for name in self.registry.classes:
            self.storage.ensure_model(name)
        self.xmlids = {}
        self._group_cache = {}
        seed(self)
        self.storage.set_meta("odoo_version", self.version)
        self.storage.set_meta("addons", sorted(self.addons))
        self.storage.set_meta("seeded_today", self.demo_today().isoformat())
        self.storage.commit()

    def reset(self):
        """Back to the demo data (from the snapshot: a test's reset costs a copy, not a seed),
        with no sessions and every knob as the server started: as good as a new emulator."""
        with self.lock:
            self.sessions.clear()
            self._reset_knobs()
            self._seed()
            self._load_indexes()

    def _load_indexes(self):
        for name in self.registry.classes:
            self.storage.data.setdefault(name, {})
        self.xmlids = {}
        for rec in self.storage.data.get("ir.model.data", {}).values():
            self.xmlids[f"{rec['module']}.{rec['name']}"] = (rec["model"], rec["res_id"])
        self._group_cache = {}
        self._model_ids = {r["model"]: rid for rid, r in self.storage.data["ir.model"].items()}
        self._field_ids = {(r["model"], r["name"]): rid
                           for rid, r in self.storage.data["ir.model.fields"].items()}
        self._sync_manual_fields()

    def _sync_manual_fields(self):
        """Custom (x_) fields as ir.model.fields lists them: one an admin removed is gone from
        its model, one an admin added is there, across restarts."""
        records = self.storage.data.get("ir.model.fields", {}).values()
        manual = {(r.get("model"), r.get("name")) for r in records if r.get("state") == "manual"}
        if not records:
            return
        for model, fields in self.registry.fields.items():
            for fname in [f for f in fields if f.startswith("x_")]:
                if (model, fname) not in manual:
                    del fields[fname]
        for rec in records:
            if rec.get("state") == "manual":
                self.add_manual_field(rec)

    def add_manual_field(self, rec):
        fields = self.registry.fields.get(rec.get("model"))
        if fields is None or rec.get("name") in fields:
            return
        field = Field(rec.get("ttype") or "char", rec.get("field_description") or rec["name"],
                      relation=rec.get("relation") or None)
        field.name = rec["name"]
        fields[rec["name"]] = field

    def drop_manual_field(self, model, fname):
        fields = self.registry.fields.get(model)
        if fields is None or fname not in fields:
            return
        del fields[fname]
        for rid, rec in self.storage.data.get(model, {}).items():
            if rec.pop(fname, None) is not None:
                self.storage.save(model, rid)

    def add_xmlid(self, xmlid, model, rid):
        module, name = xmlid.split(".", 1)
        env = self.env(1, su=True)
        env["ir.model.data"]._create_one({"module": module, "name": name, "model": model,
                                          "res_id": rid})
        self.xmlids[xmlid] = (model, rid)

    # -- helpers used by models -------------------------------------------------------------
    def env(self, uid, context=None, su=False):
        return Env(self, uid, context, su=su)

    def demo_today(self):
        return self.today or dt.date.today()

    def company_tz(self):
        company = self.storage.data.get("res.company", {}).get(1, {})
        partner = self.storage.data.get("res.partner", {}).get(company.get("partner_id"), {})
        return partner.get("tz") or "America/New_York"

    def user_tz(self, uid):
        user = self.storage.data["res.users"].get(uid, {})
        partner = self.storage.data["res.partner"].get(user.get("partner_id"), {})
        return partner.get("tz") or self.company_tz()

    def today_for_user(self, uid):
        if self.today:
            return self.today.isoformat()
        try:
            zone = ZoneInfo(self.user_tz(uid))
        except (KeyError, ValueError, TypeError):  # unknown, malformed or no zone: UTC
            zone = dt.UTC
        return dt.datetime.now(zone).date().isoformat()

    def user_groups(self, uid):
        if uid in self._group_cache:
            return self._group_cache[uid]
        user = self.storage.data["res.users"].get(uid, {})
        gids = set(user.get("groups_id") or user.get("group_ids") or [])
        groups_data = self.storage.data["res.groups"]
        seen, stack = set(), list(gids)
        while stack:
            gid = stack.pop()
            if gid in seen:
                continue
            seen.add(gid)
            stack.extend(groups_data.get(gid, {}).get("implied_ids") or [])
        by_id = {rid: x for x, (m, rid) in self.xmlids.items() if m == "res.groups"}
        result = frozenset(by_id[g] for g in seen if g in by_id)
        self._group_cache[uid] = result
        return result

    def active_langs(self):
        """The codes of the active languages (res.lang); en_US in a data file seeded before
        the emulator had languages."""
        langs = self.storage.data.get("res.lang") or {}
        return [r["code"] for r in langs.values() if r.get("active")] or ["en_US"]

    def invalidate_groups(self):
        self._group_cache = {}

    def group_label(self, xmlid, field=False):
        name, category = security.group_name(xmlid, self.version)
        if not category:
            return name
        return f"{category} / {name}" if field else f"{category}/{name}"

    def model_id(self, model):
        return self._model_ids.get(model, False)

    def field_id(self, model, fname):
        return self._field_ids.get((model, fname), False)

    def sort_ids(self, model, order, ids):
        return domain_lib.sort_records(model, order, ids)

    def next_sequence(self, code):
        seqs = self.storage.get_meta("sequences") or {}
        seqs[code] = seqs.get(code, 0) + 1
        self.storage.set_meta("sequences", seqs)
        return seqs[code]

    def log(self, msg, *args):
        log.info(msg, *args)

    # -- authentication ---------------------------------------------------------------------
    def check_db(self, db):
        return db in (DB_NAME, None, "")

    def login(self, login, password, api_key_ok=True):
        users = self.storage.data["res.users"]
        for uid, u in users.items():
            if u.get("login") == login and u.get("active", True):
                if password and password == u.get("password"):
                    return uid
                if api_key_ok and self.uid_for_key(password) == uid:
                    return uid
                return None
        return None

    def auth_source(self, request):
        """The address Odoo counts a login against: the peer, or with --proxy-mode and an
        X-Forwarded-Host header, the address ProxyFix(x_for=1) takes from X-Forwarded-For."""
        forwarded = request.headers.get("X-Forwarded-For")
        if self.proxy_mode and forwarded and request.headers.get("X-Forwarded-Host"):
            return forwarded.split(",")[-1].strip()
        return request.remote_addr

    @contextlib.contextmanager
    def assert_can_auth(self, source, login=None):
        """Refuse logins from `source` on cooldown; count its failures, forget them on success.

        As Odoo: after `login_cooldown_after` failures, every attempt within
        `login_cooldown_duration` seconds of the last failure is refused, right password or
        not, and is not counted itself.
        """
        failures, previous = self.login_failures.get(source, (0, 0.0))
        if (self.login_cooldown_after and failures >= self.login_cooldown_after
                and time.time() - previous < self.login_cooldown_duration):
            log.warning("Login attempt ignored for %s (user %r): %d failures since last "
                        "success", source, login or "?", failures)
            raise AccessDenied("Too many login failures, please wait a bit before trying again.")
        try:
            yield
        except AccessDenied:
            failures, _ = self.login_failures.get(source, (0, 0.0))
            self.login_failures[source] = (failures + 1, time.time())
            raise
        else:
            self.login_failures.pop(source, None)

    def check_credentials(self, uid, password):
        user = self.storage.data["res.users"].get(uid)
        if user and user.get("active", True) and password and (
                password == user.get("password") or self.uid_for_key(password) == uid):
            return True
        raise AccessDenied()

    def uid_for_key(self, key):
        if not key:
            return None
        for rec in self.storage.data.get("res.users.apikeys", {}).values():
            if rec.get("key") == key:
                return rec.get("user_id")
        return None

    def api_keys(self):
        users = self.storage.data["res.users"]
        return {users[r["user_id"]]["login"]: r["key"]
                for r in self.storage.data.get("res.users.apikeys", {}).values()}

    # -- auth_totp ----------------------------------------------------------------------------
    def totp_secret(self, uid):
        return (self.storage.data["res.users"].get(uid) or {}).get("totp_secret") or None

    def use_totp_step(self, uid, counter):
        """19 (totp_last_counter): a time step is good once; False when already used."""
        steps = self.storage.get_meta("totp_last_counter") or {}
        if counter <= steps.get(str(uid), -1):
            return False
        steps[str(uid)] = counter
        self.storage.set_meta("totp_last_counter", steps)
        self.storage.commit()
        return True

    def trust_device(self, uid):
        """A new trusted-device key (auth_totp.device) for the user; the td_id cookie."""
        from .totp import TRUSTED_DEVICE_AGE, new_device_key
        key = new_device_key()
        devices = self.storage.get_meta("totp_devices") or {}
        devices[key] = {"uid": uid, "expires": time.time() + TRUSTED_DEVICE_AGE}
        self.storage.set_meta("totp_devices", devices)
        self.storage.commit()
        return key

    def trusted_device(self, key):
        device = (self.storage.get_meta("totp_devices") or {}).get(key)
        if device and device["expires"] > time.time():
            return device["uid"]
        return None

    def new_session(self, uid=None, login=None):
        sid = secrets.token_urlsafe(30)[:40]
        self.sessions[sid] = {"uid": uid, "login": login, "db": DB_NAME if uid else None,
                              "ctime": time.time()}
        return sid

    # -- dispatch -----------------------------------------------------------------------------
    def call_kw(self, uid, model, method, args, kwargs):
        """Run ``model.method(*args, **kwargs)`` as Odoo's call_kw does, inside the lock."""
        args = list(args or [])
        kwargs = dict(kwargs or {})
        context = kwargs.pop("context", None) or {}
        if not isinstance(method, str) or method.startswith("_"):
            raise AccessError(f"Private methods (such as {method}) cannot be called remotely.")
        if model not in self.registry.classes:
            if self.version >= 18:
                raise NotFound()
            raise KeyError(model)
        with self.lock:
            env = Env(self, uid, context)
            obj = env[model]
            func = getattr(obj, method, None) if method not in INTERNAL else None
            if func is None or not callable(func):
                raise no_such_method(model, method, self.version)
            try:
                if getattr(func, "_api_model", False):
                    signatures.check(model, method, self.version, args, kwargs)
                    result = func(*args, **kwargs)
                else:
                    if not args and "ids" not in kwargs:
                        raise TypeError(f"{type(obj).__name__}.{method}() missing 1 required "
                                        "positional argument: 'ids'")
                    if args:
                        ids, rest = args[0], args[1:]
                    else:
                        ids, rest = kwargs.pop("ids"), []
                    signatures.check(model, method, self.version, rest, kwargs)
                    if isinstance(ids, int) and not isinstance(ids, bool):
                        ids = [ids]
                    result = func(ids or [], *rest, **kwargs)
                self.storage.commit()
            except Exception:
                self.storage.rollback()
                for name in self.registry.classes:
                    self.storage.data.setdefault(name, {})
                raise
            if model == "res.users" or model == "res.groups":
                self.invalidate_groups()
            return result

    def close(self):
        with self.lock:
            self.storage.close()
