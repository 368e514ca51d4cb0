"""The customer's page of a job, `/c/<token>`: who is coming, when, and what was done, without
an account.

* One link per job, made when someone in Fieldkit first needs it (the job page, the "On my way"
  text) through the shared link piece :mod:`app.platform.links` (kind ``customerlink``): a
  signed, unguessable token naming a record in the shared store, bound to the job and its
  service location (when the job moves to another location the link ends), revocable by the
  office, and expiring ``DAYS_AFTER_DONE`` days after the job is done.
* Reads go through the integration user (the customer has no Odoo account) in the job's
  company, and show only what a customer may see: the company's name and contact, the service
  address, the appointment window in the customer's zone, the technician's first name, the
  status; after the visit the signed report, the invoice's payment link and a rating. Never the
  technician's own number or email, never internal notes.
* The page costs one round trip: the job and the company read together (2 calls).
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from datetime import UTC, datetime

from markupsafe import Markup

from app.odoo.client import AccessError, OdooCall, OdooError
from app.platform import chatter
from app.platform import formatting as fmt
from app.platform import timezone as tzs
from app.platform.i18n import _, get_locale, lazy_gettext
from app.platform.links import LinkEnded, LinkExpired, LinkKind
from app.platform.store import StoreError
from app.platform.ttl_cache import TTLCache, server_key
from app.services import jobs
from app.services.viewer import Viewer
from app.validation import InvalidInput, check_text

logger = logging.getLogger(__name__)

LINKS = LinkKind("customerlink", "fieldkit-customer-link")
DAYS_AFTER_DONE = 14
# The record lives as long as a visit can be far ahead; the real end is DAYS_AFTER_DONE.
RECORD_DAYS = 400
STATUS_SECONDS = 3  # a poll's answer is kept this long, shared by every open page
MOVED = lazy_gettext("This visit changed address, so this link ended. Ask the company for a "
                     "new one.")
JOB_FIELDS = ["name", "person_id", "location_id", "stage_id", "is_closed", "company_id",
              "scheduled_date_start", "scheduled_date_end", "date_start", "date_end",
              "street", "street2", "zip", "city", "write_date"]
COMPANY_FIELDS = ["name", "phone", "email"]
QUOTE_STATES = ["draft", "sent"]
COMPANY_CACHE_SECONDS = 3600
_company_cache = TTLCache(COMPANY_CACHE_SECONDS, shared="customer-company")
STATUS_LABELS = {
    "scheduled": lazy_gettext("Scheduled"),
    "enroute": lazy_gettext("On the way"),
    "started": lazy_gettext("Work in progress"),
    "done": lazy_gettext("Done"),
    "cancelled": lazy_gettext("Cancelled"),
}


class RatingRefused(Exception):
    def __init__(self, user_message):
        super().__init__(user_message)
        self.user_message = user_message


def _m2o(value):
    if isinstance(value, (list, tuple)) and value:
        return value[0], (value[1] if len(value) > 1 else "")
    return None, ""


# --------------------------------------------------------------------------- the link


def _id(value):
    """An id from a many2one pair or a plain id."""
    return _m2o(value)[0] if isinstance(value, (list, tuple)) else (value or None)


def link_for_job(store, secret_key, server, job: dict, *, company_id=None, created_by="",
                 created_uid=None):
    """The job's working customer link ({"record", "token"}), made when it has none.

    `job` has the order's ``id`` and ``location_id`` (a job-page row or an order read), and
    its ``company_id`` when known (else `company_id`, the user's company); no Odoo call.
    """
    record = LINKS.active(store, server, job["id"])
    if record is None:
        record = LINKS.create(
            store, secret_key, server, job["id"], name="customer", days=RECORD_DAYS,
            bound={"location_id": _id(job.get("location_id"))},
            created_by=created_by, created_uid=created_uid,
            extra={"job_id": job["id"], "company_id": _id(job.get("company_id")) or company_id,
                   "job_name": job.get("name") or "", "opened_at": None, "rated": False})
    return {"record": record, "token": LINKS.token(secret_key, record)}


def office_view(record, tz_name) -> dict:
    """For the job page: a working link's state (opened when), from its record (the one
    :func:`link_for_job` found or made: no second read of the store)."""
    opened = record.get("opened_at")
    return {"id": record["id"], "opened": bool(opened),
            "opened_at": fmt.format_datetime(datetime.fromtimestamp(opened, UTC), tz_name)
            if opened else "",
            "rated": bool(record.get("rated"))}


def note_eta(store, server, job_id: int, minutes: int, *, now=None):
    """The technician's "On my way, about N minutes": the customer's page shows the time."""
    record = LINKS.active(store, server, job_id)
    if record is not None and 0 < minutes <= 24 * 60:
        record["eta_at"] = (time.time() if now is None else now) + minutes * 60
        LINKS.update(store, record)


def eta_time(record, status, tz_name) -> str:
    """ "14:35" while the technician is on the way and the time is still ahead, else ""."""
    at = record.get("eta_at")
    if status != "enroute" or not at or at < time.time() - 15 * 60:
        return ""
    return fmt.format_time(datetime.fromtimestamp(at, UTC), tz_name)


def revoke(store, server, job_id: int) -> bool:
    """Withdraw the job's working link (a new one is made when next needed)."""
    record = LINKS.active(store, server, job_id)
    return bool(record and LINKS.revoke(store, server, job_id, record["id"]))


def resolve(store, secret_key, token, *, now=None) -> dict:
    """The link record a token stands for, checked (LinkKind.resolve: 404 / 410)."""
    return LINKS.resolve(store, secret_key, token, now=now)


def check_job(store, record, job, *, now=None):
    """The customer-link rules against the job as it is now: the link ends when the job moved
    to another location; it expires DAYS_AFTER_DONE days after the job's end."""
    bound = (record.get("bound") or {}).get("location_id")
    if bound and _m2o(job.get("location_id"))[0] != bound:
        LINKS.end(store, record, str(MOVED))
    if job.get("is_closed") and job.get("date_end"):
        end = tzs.parse_odoo_datetime(job["date_end"]).timestamp()
        if (time.time() if now is None else now) > end + DAYS_AFTER_DONE * 86400:
            raise LinkExpired()


def customer_viewer(odoo, tz_name) -> Viewer:
    """The integration user reading for the customer (one job, which the link checked)."""
    if odoo.version is None:
        odoo.version_info()
    return Viewer(user_id=None, partner_id=None, role="office", tz=tz_name,
                  version=int(odoo.version), name="")


def in_company(odoo, company_id):
    if company_id:
        odoo.context = {**odoo.context, "allowed_company_ids": [company_id]}


# --------------------------------------------------------------------------- the page


def first_name(person) -> str:
    """"Tom" of "Tom Technician": the customer learns who is coming, not their full name."""
    name = _m2o(person)[1].strip()
    return name.split()[0] if name else ""


def status_of(job: dict, stage_map) -> str:
    state = stage_map.state_of(_m2o(job.get("stage_id"))[0]) if stage_map else "open"
    if state == "cancelled":
        return "cancelled"
    if state == "done" or job.get("is_closed"):
        return "done"
    if state == "started" or (job.get("date_start") and not job.get("date_end")):
        return "started"
    if state == "enroute":
        return "enroute"
    return "scheduled"


def window(job: dict, tz_name) -> str:
    start, end = job.get("scheduled_date_start"), job.get("scheduled_date_end")
    if not start:
        return _("To be arranged: the company will call you")
    text = f"{fmt.format_date(start, tz_name)}, {fmt.format_time(start, tz_name)}"
    if end and fmt.format_date(end, tz_name) == fmt.format_date(start, tz_name):
        text += f" – {fmt.format_time(end, tz_name)}"
    return text


def _company_key(odoo, company_id):
    return server_key(odoo, "customer-company", company_id)


def quote_call(record) -> OdooCall | None:
    """The job's open quotation (written from the job: its Source Document is the job)."""
    if not record.get("job_name"):
        return None
    return OdooCall("search_read", "sale.order", [("origin", "=", record["job_name"]),
                                                  ("state", "in", QUOTE_STATES)],
                    ["name"], order="id desc", limit=1)


def read_job(odoo, viewer, record, *, quote=False, alongside=None) -> tuple[dict, dict, object]:
    """(the job, its company, the order stages), and with `quote` the job's open quotation
    under "quote" in the job: one round trip of 2 calls (the company and the stages are
    cached; each adds a call to the same round while not). ``alongside``: one more read (an
    ``OdooCall``) sent in the same round, its result under "alongside" in the job."""
    calls = {"job": OdooCall("read", jobs.MODEL, [record["job_id"]], JOB_FIELDS)}
    company_id = record.get("company_id")
    company = _company_cache.peek(_company_key(odoo, company_id)) if company_id else {}
    if company is None:
        calls["company"] = OdooCall("read", "res.company", [company_id], COMPANY_FIELDS)
    if not jobs.stage_map_is_cached(odoo, viewer):
        calls["stages"] = jobs.stage_call()
    if quote and quote_call(record):
        calls["quote"] = quote_call(record)
    if alongside is not None:
        calls["alongside"] = alongside
    answers = dict(zip(calls, odoo.parallel(list(calls.values()), return_errors=True),
                       strict=True))
    for name, value in answers.items():
        if isinstance(value, AccessError) and name == "quote":  # no sales app or right
            answers[name] = []
        elif isinstance(value, OdooError):
            raise value
    if not answers["job"]:
        raise LinkEnded(_("This visit no longer exists. Ask the company if you need anything."))
    if "company" in answers:
        company = (answers["company"] or [{}])[0]
        _company_cache.put(_company_key(odoo, company_id), company)
    stage_map = jobs.remember_stage_map(odoo, viewer, answers["stages"]) \
        if "stages" in answers else jobs.get_stage_map(odoo, viewer)
    job = {**answers["job"][0], "quote": (answers.get("quote") or [None])[0],
           "alongside": answers.get("alongside")}
    return job, company, stage_map


def quote_portal_url(odoo, record) -> str | None:
    """Odoo's own portal page of the job's open quotation, with its access token, where the
    customer reads, signs and pays it (``get_portal_url``: public); None without one."""
    call = quote_call(record)
    found = odoo.search_read(*call.args, **call.kwargs) if call else []
    if not found:
        return None
    return odoo.call("sale.order", "get_portal_url", [found[0]["id"]])


def page_data(odoo, viewer, record, job, company, stage_map) -> dict:
    status = status_of(job, stage_map)
    eta = eta_time(record, status, viewer.tz)
    address = ", ".join(p for p in (job.get("street"), job.get("street2"),
                                    " ".join(x for x in (job.get("zip"), job.get("city")) if x))
                        if p)
    return {
        "job": {"id": job["id"], "name": job.get("name"), "address": address,
                "window": window(job, viewer.tz), "technician": first_name(job.get("person_id")),
                "status": status, "status_label": str(STATUS_LABELS[status]),
                "eta": _("around %(time)s", time=eta) if eta else "",
                "arriving": _("Arriving around %(time)s", time=eta) if eta else "",
                "started_at": fmt.format_datetime(job.get("date_start"), viewer.tz),
                "ended_at": fmt.format_datetime(job.get("date_end"), viewer.tz),
                "version": job.get("write_date") or ""},
        "company": {"name": company.get("name") or "", "phone": company.get("phone") or "",
                    "tel": jobs.tel_url(company.get("phone")),
                    "sms": jobs.sms_url(company.get("phone")),
                    "email": company.get("email") or ""},
        "done": status == "done",
        "quote": bool(job.get("quote")) and status != "cancelled",
        "rated": bool(record.get("rated")),
        "tz": str(tzs.get_tz(viewer.tz)),
    }


def _status_key(record) -> str:
    # Per language: the body holds the words of the page's language (labels, window, time).
    return f"clink-status:{record['id']}:{get_locale()}"


def cached_status(store, record) -> dict | None:
    """The status a poll found in the last STATUS_SECONDS (Odoo is asked once per job,
    language and interval however many times the page is open); None when not kept or the
    store is out."""
    try:
        raw = store.get(_status_key(record))
    except StoreError:
        return None
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def keep_status(store, record, body: dict):
    with contextlib.suppress(StoreError):
        store.set(_status_key(record), json.dumps(body), STATUS_SECONDS)


def note_opened(store, odoo, viewer, record):
    """The first opening leaves one note in the job's history (the office sees it there)."""
    if record.get("opened_at"):
        return
    record["opened_at"] = time.time()
    LINKS.update(store, record)
    try:
        chatter.post_note(odoo, viewer.version, jobs.MODEL, record["job_id"],
                          Markup("<p>{}</p>").format(
                              _("The customer opened their visit page (Fieldkit link).")))
    except OdooError as exc:
        logger.info("job %s: the 'opened' note was refused: %s", record["job_id"], exc)


def rate(store, odoo, viewer, record, score, comment) -> str:
    """The customer's rating (1-5, a comment) as a note in the job's history, once per link.

    :raises RatingRefused: a score out of range, a comment too long, a second rating.
    """
    if record.get("rated"):
        raise RatingRefused(_("Thank you: your rating is already with us."))
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise RatingRefused(_("Choose from 1 to 5 stars.")) from None
    if not 1 <= score <= 5:
        raise RatingRefused(_("Choose from 1 to 5 stars."))
    try:
        comment = check_text(comment, _("Your comment"), max_chars=1000) or ""
    except InvalidInput as exc:
        raise RatingRefused(exc.user_message) from None
    body = Markup("<p>{}</p>").format(_("Customer rating: %(score)d of 5 (%(stars)s)",
                                        score=score, stars="★" * score))
    if comment:
        body += Markup("<p>“{}”</p>").format(comment)
    body += Markup("<p><em>{}</em></p>").format(
        _("From the customer's visit page (Fieldkit link)."))
    chatter.post_note(odoo, viewer.version, jobs.MODEL, record["job_id"], body)
    record["rated"] = {"score": score, "at": time.time()}
    LINKS.update(store, record)
    return _("Thank you for your rating.")
