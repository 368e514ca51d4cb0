"""What the access-control matrix and the fuzzer need to know about the app's routes.

Both tests are generated from the app's URL map, so a route added later is covered without
touching them. A new route needs, at most, one entry here:

- a route anyone may open (no `login_required` / `role_required`): an entry in PUBLIC saying
  why;
- a route with a URL argument naming a record (`/sales/<int:id>`): an entry in RECORDS saying
  how to find a record the technician tech1 may open ("own") and one they may not ("other"),
  and whether technicians may open the other one anyway (Odoo's rules decide; most sections
  keep technicians to their own records);
- a URL argument that is not a record (`<path:key>`, `<slug>`): a value in ARG_VALUES.

The tests fail with a message naming the route and this file when an entry is missing.
"""
from __future__ import annotations

import base64
import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from app.odoo.client import IDEMPOTENT_METHODS, OdooAPI

# endpoint -> why anyone may open it
PUBLIC = {
    "auth.index": "sends to the login page or home",
    "auth.login": "the login form",
    "auth.login_code": "the two-factor code step of a login (needs a half-done login in the "
                       "session, else back to the login form)",
    "auth.logout": "ends whatever session there is (POST with CSRF)",
    "pwa.offline": "the offline page, cached for every user of the device",
    "pwa.service_worker": "the service worker script",
    "pwa.script_catalogue": "the scripts' words in a language: the same for everyone",
    "static": "CSS, JS and icons",
    "files.serve_file": "stored files behind a signed, expiring URL "
                        "(signatures checked in tests/unit/test_files_route.py)",
    "api_docs.spec": "describes the JSON endpoints, not anyone's data",
    "api_docs.docs": "the same description as a page",
    "ops.healthz": "the liveness probe of a load balancer or Docker: says only 'ok'",
    "ops.prometheus": "metrics: 404 unless METRICS_TOKEN or METRICS_ALLOW is set, then only "
                      "for the token or those addresses (tests/integration/test_ops.py)",
    "ops.readyz": "the readiness probe: each part's state and time, no configuration "
                  "(tests/integration/test_ops.py)",
    "webhooks.rmm_event": "machine to machine, authenticated by an HMAC signature "
                          "(app/signatures.py), not a session",
    "webhooks.twilio_status": "Twilio's delivery reports, authenticated by Twilio's signature "
                              "and a one-time token (tests/integration/test_sms.py)",
    # Subcontractor job links: the signed, revocable token is the key to one job
    # (refusals tested in tests/integration/test_job_links.py).
    "links.job": "a subcontractor's job link, opened with its signed token",
    "links.start": "a subcontractor's job link, checked token and job id",
    "links.notes": "a subcontractor's job link, checked token and job id",
    "links.photos": "a subcontractor's job link, checked token and job id",
    "links.finish": "a subcontractor's job link, checked token and job id",
    "links.signature": "a subcontractor's job link, checked token and job id",
    # The customer's visit page: the signed, revocable token is the key to one job
    # (refusals tested in tests/integration/test_customer_page.py).
    "customer.page": "a customer's visit page, opened with its signed token",
    "customer.status": "a customer's visit page status, checked token",
    "customer.report_pdf": "a customer's service report, checked token, once the job is done",
    "customer.invoice": "a customer's invoice link, checked token",
    "customer.quote": "a customer's quotation (Odoo's portal link), checked token",
    "customer.rating": "a customer's rating, checked token (POST with CSRF)",
}

# (blueprint, argument) or (endpoint, argument) -> a value for arguments that are not records
ARG_VALUES = {
    ("static", "filename"): "css/app.css",
    ("pwa.script_catalogue", "lang"): "fr",
    ("files", "key"): "jobs/1/photos/none.jpg",
    # A part on a job: whose it is follows the job (<job_id>), which RECORDS covers.
    ("inventory", "move_id"): 1,
    # A delivery report's one-time token (made when a text is sent; unknown ones are 404).
    ("webhooks", "token"): "not-a-token-we-made",
    # A job link's token and id: without a valid signed token every /t/ route refuses.
    ("links", "token"): "not-a-valid-link",
    ("customer", "token"): "not-a-valid-link",
    ("links", "link_id"): "no-such-link",
    # A customer's section on its own page (the customer is the <id> record).
    ("customers", "section"): "quotes",
    # A checklist step (fsm.activity) of the job: the route checks it is on the <id> job.
    ("jobs.checklist_tick", "activity_id"): 1,
}


def partner_of(odoo, login):
    return odoo.search_read("res.users", [("login", "=", login)], ["partner_id"])[0][
        "partner_id"][0]


def assigned_to(odoo, login):
    """Domain of field service orders of a technician, as jobs.own_domain builds it."""
    partner = partner_of(odoo, login)
    return ["|", ("person_id.partner_id", "=", partner), ("person_ids.partner_id", "=", partner)]


def first_id(odoo, model, domain, order="id"):
    """The first record of `domain`, open ones first when the model has `is_closed`."""
    rows = odoo.search_read(model, domain, ["id"], limit=1, order=order)
    if not rows:
        raise LookupError(f"no {model} record for {domain}")
    return rows[0]["id"]


def open_job_of(login):
    def find(odoo):
        try:
            return first_id(odoo, "fsm.order",
                            assigned_to(odoo, login) + [("is_closed", "=", False)])
        except LookupError:  # the fuzzer may have closed them all
            return first_id(odoo, "fsm.order", assigned_to(odoo, login))
    return find


def _lead_with_activity(odoo, login):
    """(lead id, activity id) of a lead of `login` with a planned activity, if any."""
    rows = odoo.search_read("mail.activity", [("res_model", "=", "crm.lead"),
                                              ("user_id.login", "=", login)],
                            ["res_id"], limit=1, order="id")
    return (rows[0]["res_id"], rows[0]["id"]) if rows else (None, None)


def lead_of(login):
    def find(odoo):
        lead, _ = _lead_with_activity(odoo, login)
        return lead or first_id(odoo, "crm.lead", [("user_id.login", "=", login)])
    return find


def activity_of(login):
    def find(odoo):
        _, activity = _lead_with_activity(odoo, login)
        if activity is None:  # the tests mark them done: plan another one
            uid = first_id(odoo, "res.users", [("login", "=", login)])
            lead = first_id(odoo, "crm.lead", [("user_id", "=", uid)])
            odoo.call("crm.lead", "activity_schedule", [lead], summary="For the access matrix",
                      date_deadline="2030-01-15", user_id=uid,
                      activity_type_id=first_id(odoo, "mail.activity.type", []))
            _, activity = _lead_with_activity(odoo, login)
        return activity
    return find


def customer_of(login):
    """The customer (location owner) of one of the technician's jobs."""
    def find(odoo):
        job = open_job_of(login)(odoo)
        location = odoo.read("fsm.order", [job], ["location_id"])[0]["location_id"][0]
        return odoo.read("fsm.location", [location], ["owner_id"])[0]["owner_id"][0]
    return find


def picking_of(login):
    def find(odoo):
        uid = first_id(odoo, "res.users", [("login", "=", login)])
        return first_id(odoo, "stock.picking", [("user_id", "=", uid)])
    return find


def quote_of(login):
    """A quotation of the salesperson, drafts first (the tests confirm and cancel some)."""
    def find(odoo):
        uid = first_id(odoo, "res.users", [("login", "=", login)])
        try:
            return first_id(odoo, "sale.order", [("user_id", "=", uid), ("state", "=", "draft")])
        except LookupError:
            return first_id(odoo, "sale.order", [("user_id", "=", uid)])
    return find


def signed_quote_of(login):
    """A quotation of the salesperson with the customer's signature on it: the demo data has
    none, so the first use writes one (as the signature pad does; the order stays a quote)."""
    def find(odoo):
        uid = first_id(odoo, "res.users", [("login", "=", login)])
        try:
            return first_id(odoo, "sale.order", [("user_id", "=", uid),
                                                 ("signed_by", "=", "Matrix signer")])
        except LookupError:
            oid = first_id(odoo, "sale.order", [("user_id", "=", uid)], order="id desc")
            odoo.write("sale.order", [oid], {"signature": base64.b64encode(tiny_png()).decode(),
                                             "signed_by": "Matrix signer"})
            return oid
    return find


def invoice_of(login):
    """A customer invoice of the salesperson (the demo data invoices tech1's and tech2's
    first confirmed orders)."""
    def find(odoo):
        uid = first_id(odoo, "res.users", [("login", "=", login)])
        return first_id(odoo, "account.move", [("invoice_user_id", "=", uid),
                                               ("move_type", "=", "out_invoice")])
    return find


def nth(model, n):
    def find(odoo):
        rows = odoo.search_read(model, [], ["id"], limit=n + 1, order="id")
        return rows[min(n, len(rows) - 1)]["id"]
    return find


@dataclass(frozen=True)
class Records:
    """How to find records for a URL argument, as the demo data's admin sees them.

    `own(odoo)`: a record tech1 may open; `other(odoo)`: one that belongs to someone else
    (tech2's, another salesperson's...). `technician_sees_other`: whether a technician may
    open the other one anyway.
    """

    own: Callable
    other: Callable
    technician_sees_other: bool = False


# (blueprint, argument) or (endpoint, argument) -> Records
RECORDS = {
    ("jobs", "id"): Records(own=open_job_of("tech1"), other=open_job_of("tech2")),
    # Salespeople (technicians) see their own leads through Odoo's rules.
    ("crm", "id"): Records(own=lead_of("tech1"), other=lead_of("tech2")),
    ("crm", "activity_id"): Records(own=activity_of("tech1"), other=activity_of("tech2")),
    # Every internal user reads customers and client assets; technicians see only their own
    # jobs among a customer's (checked in the customers tests).
    ("customers", "id"): Records(own=customer_of("tech1"), other=customer_of("tech2"),
                                 technician_sees_other=True),
    ("assets", "id"): Records(own=nth("x_client_asset", 0), other=nth("x_client_asset", 1),
                              technician_sees_other=True),
    ("dispatch", "id"): Records(own=open_job_of("tech1"), other=open_job_of("tech2")),
    ("dispatch", "job_id"): Records(own=open_job_of("tech1"), other=open_job_of("tech2")),
    ("links", "id"): Records(own=open_job_of("tech1"), other=open_job_of("tech2")),
    ("customer", "id"): Records(own=open_job_of("tech1"), other=open_job_of("tech2")),
    ("links", "job_id"): Records(own=open_job_of("tech1"), other=open_job_of("tech2")),
    # Transfers: a technician's own (responsible = them) or nobody's; others' are refused.
    ("inventory", "id"): Records(own=picking_of("tech1"), other=picking_of("tech2")),
    ("inventory", "job_id"): Records(own=open_job_of("tech1"), other=open_job_of("tech2")),
    # Salespeople (technicians) see their own quotations through Odoo's rules.
    ("sales", "id"): Records(own=quote_of("tech1"), other=quote_of("tech2")),
    # The signature image needs an order with a signature (404 without one).
    ("sales.signature_image", "id"): Records(own=signed_quote_of("tech1"),
                                             other=signed_quote_of("tech2")),
    # Getting paid: a job's invoice steps take the job; invoices are seen through sale's rules
    # (a salesman sees the invoices of his own orders only).
    ("invoices.job", "id"): Records(own=open_job_of("tech1"), other=open_job_of("tech2")),
    ("invoices.invoice_job", "id"): Records(own=open_job_of("tech1"),
                                            other=open_job_of("tech2")),
    ("invoices.hand_to_office", "id"): Records(own=open_job_of("tech1"),
                                               other=open_job_of("tech2")),
    ("invoices.quote_from_job", "id"): Records(own=open_job_of("tech1"),
                                               other=open_job_of("tech2")),
    ("invoices.job_status", "id"): Records(own=open_job_of("tech1"),
                                           other=open_job_of("tech2")),
    ("invoices", "id"): Records(own=invoice_of("tech1"), other=invoice_of("tech2")),
}


def tiny_png(width=120, height=40):
    """A real grey PNG (the signature check wants at least 50x20 px)."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def first_open_stage(odoo):
    return first_id(odoo, "fsm.stage", [("stage_type", "=", "order"), ("is_closed", "=", False)],
                    order="sequence desc, id")


def person_of(odoo, login):
    return first_id(odoo, "fsm.person", [("partner_id", "=", partner_of(odoo, login))])


# endpoint -> a body the route accepts for a record tech1 may open: body(odoo) -> {"data": ...}
# for a form (files as (BytesIO, name)) or {"json": ...}. Required for every POST route with a
# record argument: the matrix then checks that the same body on another's record is refused
# before anything is written. `{}` when the route needs no body.
BODIES = {
    "jobs.assign": lambda odoo: {"data": {"person_id": str(person_of(odoo, "tech1"))}},
    "jobs.cancel": lambda odoo: {"data": {}},
    "jobs.finish": lambda odoo: {"data": {"resolution": "Checked by the access matrix."}},
    "jobs.notes": lambda odoo: {"data": {"note": "Access matrix note."}},
    "jobs.photos": lambda odoo: {"data": {"photos": (io.BytesIO(tiny_png()), "matrix.png")}},
    "jobs.signature": lambda odoo: {"json": {
        "image": "data:image/png;base64," + base64.b64encode(tiny_png()).decode(),
        "signer_name": "Matrix"}},
    "jobs.stage": lambda odoo: {"data": {"stage_id": str(first_open_stage(odoo))}},
    "jobs.start": lambda odoo: {"data": {}},
    "jobs.timer_action": lambda odoo: {"data": {"do": "start"}},
    "jobs.checklist_tick": lambda odoo: {"data": {"do": "done"}},
    "jobs.checklist_photo": lambda odoo: {"data": {
        "step": "t0", "photos": (io.BytesIO(tiny_png()), "matrix.png")}},
    "jobs.report_attach": lambda odoo: {"data": {}},
    "crm.stage": lambda odoo: {"data": {"stage_id": str(first_id(
        odoo, "crm.stage", [("is_won", "=", False)], order="sequence desc, id"))}},
    "crm.won": lambda odoo: {"data": {}},
    "crm.lost": lambda odoo: {"data": {"lost_reason_id": str(first_id(odoo, "crm.lost.reason",
                                                                      [])),
                                       "lost_feedback": "Access matrix."}},
    "crm.restore": lambda odoo: {"data": {}},
    "crm.schedule": lambda odoo: {"data": {
        "activity_type_id": str(first_id(odoo, "mail.activity.type", [])),
        "date_deadline": "2030-01-15", "summary": "Access matrix"}},
    "crm.activity_done": lambda odoo: {"data": {"feedback": "Done by the access matrix."}},
    "crm.notes": lambda odoo: {"data": {"note": "Access matrix note."}},
    "customers.edit": lambda odoo: {"data": {}},
    "assets.link_ticket": lambda odoo: {"data": {"ticket_id": ""}},
    "dispatch.remove_change": lambda odoo: {"data": {}},
    "links.create": lambda odoo: {"data": {"name": "Matrix", "days": "1"}},
    "links.revoke": lambda odoo: {"data": {}},
    "customer.revoke": lambda odoo: {"data": {}},
    "links.start": lambda odoo: {"data": {}},
    "links.notes": lambda odoo: {"data": {"note": "Access matrix note."}},
    "links.photos": lambda odoo: {"data": {"photos": (io.BytesIO(tiny_png()), "matrix.png")}},
    "links.finish": lambda odoo: {"data": {"resolution": "Checked by the access matrix."}},
    "links.signature": lambda odoo: {"json": {
        "image": "data:image/png;base64," + base64.b64encode(tiny_png()).decode(),
        "signer_name": "Matrix"}},
    "inventory.quantities": lambda odoo: {"data": {}},
    "inventory.validate": lambda odoo: {"data": {}},
    "inventory.answer": lambda odoo: {"data": {"token": "", "answer": ""}},
    "inventory.assign": lambda odoo: {"data": {}},
    "inventory.scan": lambda odoo: {"data": {"code": "NO-SUCH-CODE"}},
    "inventory.add_part": lambda odoo: {"data": {"product": "Filter", "quantity": "1"}},
    "inventory.remove_part": lambda odoo: {"data": {}},
    "invoices.invoice_job": lambda odoo: {"data": {}},
    "invoices.hand_to_office": lambda odoo: {"data": {}},
    "invoices.quote_from_job": lambda odoo: {"data": {}},
    "invoices.pay": lambda odoo: {"data": {"amount": "1", "journal_id": "1", "reference": ""}},
    "invoices.post": lambda odoo: {"data": {}},
    "invoices.text_link": lambda odoo: {"data": {}},
    "invoices.email": lambda odoo: {"data": {}},
    "sales.lines": lambda odoo: {"data": {}},
    "sales.confirm": lambda odoo: {"data": {}},
    "sales.cancel": lambda odoo: {"data": {}},
    "sales.draft": lambda odoo: {"data": {}},
    "sales.send": lambda odoo: {"data": {}},
    "sales.photos": lambda odoo: {"data": {"photos": (io.BytesIO(tiny_png()), "matrix.png")}},
    "sales.video": lambda odoo: {"data": b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64,
                                 "content_type": "video/mp4",
                                 "headers": {"X-File-Name": "matrix.mp4"}},
    "sales.schedule": lambda odoo: {"data": {}},
    "sales.signature": lambda odoo: {"json": {
        "image": "data:image/png;base64," + base64.b64encode(tiny_png()).decode(),
        "signer_name": "Matrix"}},
}

# endpoint -> why it answers a refused action on another's record with a redirect (PRG with
# the refusal flashed) rather than 403/404; the matrix still requires that nothing was written.
REDIRECT_REFUSALS = {
    "crm.stage": "a move refused from the pipeline board returns to the board with Odoo's "
                 "refusal as a message",
    "inventory.answer": "Odoo's question travels in a token signed for its own transfer: "
                        "without a valid one the transfer page is shown again",
}

# endpoint -> roles a view lets in by its own check (to answer others with its own message);
# prefer @role_required, which the matrix reads by itself.
VIEW_ROLES = {
    "dashboard.index": ("office",),
}

# Settings that switch optional integrations on, so their routes answer as in production (an
# unconfigured webhook answers 503 on purpose).
APP_CONFIG = {"RMM_WEBHOOK_SECRET": "access-matrix-secret",
              "TWILIO_AUTH_TOKEN": "access-matrix-twilio"}

ROLES = {"anonymous": None, "technician": "tech1", "office": "office", "manager": "manager"}


# --- the routes, from the URL map ---------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    method: str
    arguments: tuple
    access: dict | None   # {"login": True, "roles": (...) or None}; None: public

    @property
    def blueprint(self):
        return self.endpoint.rsplit(".", 1)[0] if "." in self.endpoint else self.endpoint

    @property
    def is_api(self):
        return self.rule.startswith("/api/")

    def lookup(self, table, argument):
        return table.get((self.endpoint, argument), table.get((self.blueprint, argument)))

    def __str__(self):
        return f"{self.method} {self.rule} ({self.endpoint})"


def app_routes(app):
    """Every (rule, method) of the app, HEAD and OPTIONS left out (Flask answers those)."""
    routes = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append(Route(rule.endpoint, rule.rule, method, tuple(sorted(rule.arguments)),
                                getattr(view, "fieldkit_access", None)))
    return routes


def missing_entries(route):
    """What the table lacks for `route`, as messages for the developer who added it."""
    problems = []
    if route.access is None and route.endpoint not in PUBLIC:
        problems.append(
            f"{route} has neither @login_required nor @role_required(...): decorate it, or, if "
            f"anyone may open it, add {route.endpoint!r} to PUBLIC in tests/security/conftest.py "
            "with the reason")
    for argument in route.arguments:
        if route.lookup(RECORDS, argument) is None and route.lookup(ARG_VALUES, argument) is None:
            problems.append(
                f"{route}: no entry for the URL argument <{argument}>: add "
                f"RECORDS[({route.blueprint!r}, {argument!r})] = Records(own=..., other=...) "
                "(how to find a record tech1 may open and one of someone else), or "
                f"ARG_VALUES[({route.blueprint!r}, {argument!r})] for a non-record argument, in "
                "tests/security/conftest.py")
    if (route.method != "GET" and route.endpoint not in PUBLIC
            and any(route.lookup(RECORDS, a) for a in route.arguments)
            and route.endpoint not in BODIES):
        problems.append(
            f"{route}: no entry in BODIES (tests/security/conftest.py): give a body this route "
            "accepts for tech1's own record ({} when it needs none); the matrix sends it to "
            "another's record and expects a refusal before any write")
    return problems


# --- Odoo writes made during a request ----------------------------------------------------------

# Model methods that only read, beyond OdooAPI's IDEMPOTENT_METHODS (which lists the ones it
# may retry): anything else (create, write, unlink, message_post, action_*...) is a write.
READ_PREFIXES = ("get_", "read", "search", "name_", "fields_", "default_", "check_", "has_",
                 "web_read", "web_search", "_read")


# Wizards (Odoo TransientModels): creating one changes no business data, Odoo vacuums them.
# A section that runs an action through a wizard lists the wizard's model here.
TRANSIENT_MODELS = {"crm.lead.lost"}


def is_write(model, method):
    if model in TRANSIENT_MODELS and method == "create":
        return False
    return method not in IDEMPOTENT_METHODS and not method.startswith(READ_PREFIXES)


class WriteLog:
    """Every model call that changes data that Odoo accepted during the request."""

    def __init__(self):
        self.calls = []

    def clear(self):
        self.calls.clear()


@pytest.fixture
def writes(monkeypatch):
    log = WriteLog()
    real_call = OdooAPI.call

    def call(self, model, method, *args, **kwargs):
        result = real_call(self, model, method, *args, **kwargs)
        if is_write(model, method):
            log.calls.append(f"{model}.{method}")
        return result

    monkeypatch.setattr(OdooAPI, "call", call)
    return log


# --- an emulator of their own: the fuzzer writes garbage into it --------------------------------

@pytest.fixture(scope="session")
def security_emulator(emulator_pool):
    return emulator_pool.take(version=17)  # never given back: only the fuzzer's


@pytest.fixture
def odoo_url(security_emulator):
    return security_emulator.url


@pytest.fixture(scope="session")
def admin_odoo(security_emulator):
    odoo = OdooAPI(security_emulator.url, "fieldkit")
    odoo.authenticate("admin", "admin")
    return odoo


@pytest.fixture(scope="session")
def _session_cookies():
    return {}


def make_role_client(app, cookies):
    """A factory of test clients of `app` logged in as a role (None: anonymous).

    Each role logs in once per test session; later clients reuse its (signed) session cookie,
    which every app made with TestConfig accepts. `fresh=True` logs in again.
    """
    cookie_name = app.config["SESSION_COOKIE_NAME"]

    def make(role, fresh=False):
        client = app.test_client()
        login = ROLES[role]
        if not login:
            return client
        if fresh or role not in cookies:
            response = client.post("/login", data={"login": login, "password": login})
            assert response.status_code == 302, f"login as {login} failed"
            cookies[role] = client.get_cookie(cookie_name).value
        else:
            client.set_cookie(cookie_name, cookies[role])
        return client
    return make


@pytest.fixture
def role_client(app, _session_cookies):
    """role_client("technician") -> a client of this test's app logged in as that role."""
    app.config.update(APP_CONFIG)
    return make_role_client(app, _session_cookies)


@pytest.fixture(scope="module")
def module_app(security_emulator, tmp_path_factory):
    """One app for a whole module of many small tests (the `app` fixture makes one per test)."""
    from app import create_app
    from app.config import TestConfig
    from tests.conftest import CSRFClient

    folder = tmp_path_factory.mktemp("security-app")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(OdooAPI, "_sleep_seconds", lambda self, attempt: 0)
        app = create_app(TestConfig)
        app.config.update(ODOO_URL=security_emulator.url, STORAGE_LOCAL_DIR=str(folder / "files"),
                          STORE_PATH=str(folder / "store.sqlite3"), **APP_CONFIG)
        app.test_client_class = CSRFClient
        yield app


@pytest.fixture
def module_role_client(module_app, _session_cookies):
    return make_role_client(module_app, _session_cookies)
