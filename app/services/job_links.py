"""Job links for subcontractors: a signed, expiring, revocable link to one job, for people
without an Odoo account. The office creates it on the job page; whoever holds it may open that
job and start it, add notes and photos, take the customer's signature and finish it.

* Token, record, expiry, withdrawal and the log of uses are the shared piece
  :mod:`app.platform.links` (kind ``joblink``). The rules of a job link:
  - bound to the job's person when it was made (``bound["person_id"]``, False when
    unassigned): when the job is given to someone else the link ends for good;
  - a done job's link only shows the job (writes are refused with ``LinkReadOnly``);
  - made only when the integration user can see the job (its company among the integration
    user's): otherwise the office is told why at creation.
* Actions go to Odoo as the configured integration user (API key; JSON-2 on 19, ``/jsonrpc``
  before: :mod:`app.odoo.integration`), in the job's company, with the job rules of
  :mod:`app.services.jobs`, and every history entry Fieldkit writes names the subcontractor.
  Odoo's own tracking lines (a stage changed) are authored by the integration user, so each
  action also leaves a note.
"""

from __future__ import annotations

import logging

from app.odoo.client import OdooError
from app.platform.i18n import _, lazy_gettext
from app.platform.links import (  # noqa: F401  (the link errors, for callers)
    DEFAULT_DAYS,
    MAX_DAYS,
    LinkEnded,
    LinkExpired,
    LinkInvalid,
    LinkKind,
    LinkReadOnly,
    LinkRevoked,
    LinkWrongTarget,
)
from app.services import jobs, report
from app.services.jobs import JobActionError
from app.services.viewer import Viewer
from app.validation import check_text

logger = logging.getLogger(__name__)

LINKS = LinkKind("joblink", "fieldkit-job-link")
LinkWrongJob = LinkWrongTarget
REASSIGNED = lazy_gettext("This job was given to someone else, so this link ended. Ask the "
                          "office if you still need it.")
CHECK_FIELDS = ["person_id", "is_closed", "company_id"]


def _m2o_id(value):
    return value[0] if isinstance(value, (list, tuple)) and value else (value or False)


def create_link(store, secret_key, server, odoo, viewer: Viewer, job_id: int, name, days,
                *, integration=None, now: float | None = None) -> dict:
    """Make a link to `job_id` for the subcontractor `name`, valid `days` days (1 to 30).
    `integration` (the integration user's client) must see the job, as the link will act
    through it.

    :raises InvalidInput: / JobActionError for a bad name or number of days, or a job the
        integration user can't see (the message says why).
    :raises JobNotFound: when the job does not exist; JobActionError when it is closed.
    """
    name = check_text(name, _("The subcontractor's name"), max_chars=80, required=True)
    try:
        days = int(days or DEFAULT_DAYS)
    except (TypeError, ValueError):
        raise JobActionError(
            _("The number of days must be a whole number from 1 to 30.")) from None
    if not 1 <= days <= MAX_DAYS:
        raise JobActionError(_("The number of days must be a whole number from 1 to 30."))
    order = jobs.fetch_order(odoo, viewer, job_id, ["name", *CHECK_FIELDS])
    if order.get("is_closed"):
        raise JobActionError(_("This job is closed: a link to it would be of no use."))
    company_id = _m2o_id(order.get("company_id"))
    if integration is not None:
        _integration_sees(integration, job_id, company_id, order)
    return LINKS.create(store, secret_key, server, job_id, name=name, days=days,
                        bound={"person_id": _m2o_id(order.get("person_id"))},
                        created_by=viewer.name, created_uid=viewer.user_id, now=now,
                        extra={"job_id": job_id, "company_id": company_id,
                               "job_name": order.get("name") or f"#{job_id}"})


def _integration_sees(integration, job_id, company_id, order):
    in_company(integration, company_id)
    try:
        found = integration.read("fsm.order", [job_id], ["is_closed"])
    except OdooError as exc:
        found = None
        logger.info("integration user can't read job %s: %s", job_id, exc)
    if not found:
        company = order.get("company_id")
        if isinstance(company, (list, tuple)):
            raise JobActionError(_(
                "A link works through Fieldkit's integration user, which can't see this job of "
                "%(company)s. Give the integration user access to that company in Odoo, then "
                "make the link.", company=company[1]))
        raise JobActionError(_(
            "A link works through Fieldkit's integration user, which can't see this job. Give "
            "the integration user access to that company in Odoo, then make the link."))


def in_company(odoo, company_id):
    """Work in the link's company (the integration user's default one otherwise)."""
    if company_id:
        odoo.context = {**odoo.context, "allowed_company_ids": [company_id]}


def resolve(store, secret_key, token, job_id=None, *, now: float | None = None) -> dict:
    """The link record a token stands for, checked (see LinkKind.resolve)."""
    record = LINKS.resolve(store, secret_key, token, job_id, now=now)
    record.setdefault("job_id", record["target_id"])
    return record


def check_job(store, record, job, *, writing):
    """The job-link rules against the job as it is now (`job`: a row or an order with
    `person_id` and `is_closed`): an ended link raises LinkEnded, a done job's link refuses
    writes (LinkReadOnly). Returns True when the link may only show the job."""
    bound = (record.get("bound") or {}).get("person_id", False)
    if "bound" in record and _m2o_id(job.get("person_id")) != bound:
        LINKS.end(store, record, str(REASSIGNED))
    if job.get("is_closed"):
        if writing:
            raise LinkReadOnly()
        return True
    return False


def log_use(store, record, action, address, *, now: float | None = None):
    """Log a use of the link (app log + the record's last uses, for the office)."""
    LINKS.log_use(store, record, action, address, now=now)


def revoke(store, server, job_id: int, link_id: str) -> str:
    record = LINKS.revoke(store, server, job_id, link_id)
    if record is None:
        raise JobActionError(_("That link does not exist any more."))
    return _("The link for %(name)s no longer works.", name=record["name"])


def links_for_job(store, server, job_id: int, tz_name: str, now=None) -> list[dict]:
    """The job's links, newest first, with their state and last use, for the office."""
    return LINKS.list_for(store, server, job_id, tz_name, now=now)


# --------------------------------------------------------------------------- acting on the job


def subcontractor_viewer(odoo, record, tz_name) -> Viewer:
    """Who acts: the integration user, on this one job only (the link checked that), named as
    the subcontractor."""
    if odoo.version is None:
        odoo.version_info()
    return Viewer(user_id=None, partner_id=None, role="office", tz=tz_name,
                  version=int(odoo.version), name=record["name"])


def _by(record) -> str:
    return _("%(name)s (subcontractor, through a Fieldkit job link)", name=record["name"])


def start(odoo, viewer, record) -> str:
    message = jobs.start_job(odoo, viewer, record["job_id"])
    jobs.post_text_note(odoo, viewer, record["job_id"],
                        _("Job started by %(name)s.", name=_by(record)))
    return message


def add_note(odoo, viewer, record, text) -> str:
    text = check_text(text, _("The note"))
    if not text:
        raise JobActionError(_("The note is empty."))
    return jobs.add_note(odoo, viewer, record["job_id"],
                         _("%(name)s: %(note)s", name=_by(record), note=text))


def add_photos(odoo, viewer, record, files, storage) -> str:
    return jobs.add_photos(odoo, viewer, record["job_id"], files, storage, by=_by(record))


def save_signature(odoo, viewer, record, png, signer_name, storage) -> dict:
    result = jobs.save_signature(odoo, viewer, record["job_id"], png, signer_name, storage)
    jobs.post_text_note(odoo, viewer, record["job_id"],
                        _("Customer signature collected by %(name)s.", name=_by(record)))
    return result


def finish(odoo, viewer, record, resolution) -> str:
    message = report.finish_job(odoo, viewer, record["job_id"], resolution)
    jobs.post_text_note(odoo, viewer, record["job_id"],
                        _("Job finished by %(name)s.", name=_by(record)))
    return message
