"""The office's view of field service jobs: the jobs table (filters, search, sort, pages) and
assigning a job (technician and scheduled window).

Filters come from the query string and go back into it (a link shares the view); bad values
are reported and ignored, never a 500. The table costs 2 RPCs (the page of orders and their
count, sent in parallel); the order stages and the technicians are configuration, read once
every few minutes per company and shared by every page that needs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from app.odoo.client import OdooCall
from app.platform import formatting as fmt
from app.platform import timezone as tzs
from app.platform.i18n import _, lazy_gettext
from app.platform.listing import (
    ListQuery,
    ListSpec,
    page_info,
    parse_list_args,
    search_domain,
)
from app.platform.ttl_cache import TTLCache, server_key
from app.services import checklists, jobs
from app.validation import whole_number

PAGE_SIZE = 50
PERSON_CACHE_SECONDS = 300
PRIORITIES = (("0", lazy_gettext("Normal")), ("1", lazy_gettext("Low")),
              ("2", lazy_gettext("High")), ("3", lazy_gettext("Urgent")))
STATUSES = {"open": lazy_gettext("Open"), "closed": lazy_gettext("Done or cancelled")}

# Sortable columns: URL key -> Odoo order (id last, so pages never overlap).
SORTS = {
    "ref": "name",
    "customer": "location_id",
    "scheduled": "scheduled_date_start",
    "stage": "stage_id",
    "technician": "person_id",
    "priority": "priority",
}
DEFAULT_SORT = ("scheduled", "asc")
# Search: reference, customer (the location's name) and address.
SEARCH_FIELDS = ("name", "location_id.name", "street", "city", "zip")
LIST_SPEC = ListSpec(sorts=SORTS, default_sort=DEFAULT_SORT, page_size=PAGE_SIZE,
                     search_label=lazy_gettext("Search jobs"))


class AssignError(jobs.JobActionError):
    """Fieldkit refuses an assignment before asking Odoo; the message is for people."""


# --------------------------------------------------------------------------- technicians


# Per server, database and company, in every worker process through the shared store.
_person_cache = TTLCache(PERSON_CACHE_SECONDS, shared="fsm-persons")


def _person_key(odoo, viewer):
    return server_key(odoo, viewer.companies_key)


def persons_cached(odoo, viewer) -> bool:
    return _person_cache.has(_person_key(odoo, viewer))


def _person_call():
    return OdooCall("search_read", "fsm.person", [("active", "=", True)], ["name"], order="name")


def _keep_persons(odoo, viewer, records):
    persons = sorted(({"id": r["id"], "name": r.get("name") or f"#{r['id']}"} for r in records),
                     key=lambda p: (p["name"].lower(), p["id"]))
    _person_cache.put(_person_key(odoo, viewer), persons)
    return persons


def get_technicians(odoo, viewer) -> list[dict]:
    """Active field service workers `{id, name}` by name, cached per company for 5 minutes."""
    persons = _person_cache.peek(_person_key(odoo, viewer))
    if persons is not None:
        return persons
    return _keep_persons(odoo, viewer, odoo.parallel([_person_call()])[0])


def clear_caches():
    _person_cache.clear()


def config_calls(odoo, viewer):
    """Reads of stages and technicians not cached yet, to join another parallel batch."""
    calls = {}
    if not jobs.stage_map_is_cached(odoo, viewer):
        calls["stages"] = jobs.stage_call()
    if not persons_cached(odoo, viewer):
        calls["persons"] = _person_call()
    return calls


def keep_config(odoo, viewer, fetched) -> tuple[jobs.StageMap, list[dict]]:
    """The stage map and technicians, from `fetched` (see config_calls) or from the caches."""
    if "stages" in fetched:
        stage_map = jobs.remember_stage_map(odoo, viewer, fetched["stages"])
    else:
        stage_map = jobs.get_stage_map(odoo, viewer)
    if "persons" in fetched:
        persons = _keep_persons(odoo, viewer, fetched["persons"])
    else:
        persons = get_technicians(odoo, viewer)
    return stage_map, persons


# --------------------------------------------------------------------------- filters


def _parse_day(value, label, errors):
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(_("%(label)s: “%(value)s” is not a date (YYYY-MM-DD).", label=label,
                        value=value[:20]))
        return None


def _parse_int(value, label, errors):
    if not value:
        return None
    if not re.fullmatch(r"\d{1,9}", value):
        errors.append(_("%(label)s: “%(value)s” is not valid.", label=label, value=value[:20]))
        return None
    return int(value)


@dataclass(frozen=True)
class JobFilters:
    """What the office asked to see: the shared list query (search, sort, page; see
    app/platform/listing.py) plus the jobs' own filters, parsed from the query string."""

    query: ListQuery
    date_from: date | None = None
    date_to: date | None = None
    stage: int | None = None
    technician: int | None = None
    unassigned: bool = False
    overdue: bool = False
    priority: str = ""
    status: str = ""  # "open", "closed" or any
    from_today: bool = False  # the default of a bare /jobs (not chosen by the user)
    to_invoice: bool = False  # jobs handed to the office for invoicing (app/services/invoices)
    errors: tuple = field(default=(), compare=False)

    @classmethod
    def from_args(cls, args) -> JobFilters:
        """Parse; a bad value is left out and explained in `errors`."""
        query = parse_list_args(args, LIST_SPEC)
        errors = list(query.errors)
        date_from = _parse_day(args.get("from", ""), _("From"), errors)
        date_to = _parse_day(args.get("to", ""), _("To"), errors)
        if date_from and date_to and date_to < date_from:
            errors.append(_("“To” is before “From”: the dates were swapped."))
            date_from, date_to = date_to, date_from
        technician = args.get("technician", "")
        unassigned = args.get("unassigned") == "1" or technician == "unassigned"
        technician = None if technician == "unassigned" else \
            _parse_int(technician, _("Technician"), errors)
        priority = args.get("priority", "")
        if priority and priority not in dict(PRIORITIES):
            errors.append(_("%(label)s: “%(value)s” is not valid.", label=_("Priority"),
                            value=priority[:20]))
            priority = ""
        status = args.get("status", "")
        if status and status not in STATUSES:
            errors.append(_("%(label)s: “%(value)s” is not valid.", label=_("Status"),
                            value=status[:20]))
            status = ""
        return cls(
            query=query, date_from=date_from, date_to=date_to,
            stage=_parse_int(args.get("stage", ""), _("Stage"), errors),
            technician=technician, unassigned=unassigned,
            overdue=args.get("overdue") == "1", priority=priority, status=status,
            to_invoice=args.get("to_invoice") == "1", errors=tuple(errors),
        )

    # The list macros (_macros/lists.html) read these, as from a ListQuery.
    q = property(lambda self: self.query.q)
    sort = property(lambda self: self.query.sort)
    direction = property(lambda self: self.query.direction)
    page = property(lambda self: self.query.page)

    @property
    def active(self) -> bool:
        """True when anything narrows the list (for the empty state's wording)."""
        return bool(self.query.active or (self.date_from and not self.from_today) or self.date_to
                    or self.stage
                    or self.technician or self.unassigned or self.overdue or self.priority
                    or self.status or self.to_invoice)


def opening_on_today(filters: JobFilters, tz_name: str, now=None) -> JobFilters:
    """The filters of a bare /jobs: from the user's today on, marked so the page says so."""
    return replace(filters, date_from=tzs.today(tz_name, now), from_today=True)


def overdue_domain(today_start_utc: str) -> list:
    """Open orders whose scheduled start is before the user's local midnight."""
    return [("is_closed", "=", False), ("scheduled_date_start", "<", today_start_utc)]


def unassigned_domain() -> list:
    return [("person_id", "=", False)]


# A job the technician could not invoice carries an open "To invoice" activity for the office
# (app/services/invoices/from_job.py hand_to_office); done once the office invoices it.
TO_INVOICE_DOMAIN = [("activity_ids.summary", "=", "To invoice")]


def table_domain(filters: JobFilters, tz_name: str, today: date) -> list:
    """The Odoo domain for the office's filters (dates are local days of the user's zone)."""
    domain = []
    if filters.date_from:
        domain.append(("scheduled_date_start", ">=", tzs.day_range_utc(filters.date_from,
                                                                      tz_name)[0]))
    if filters.date_to:
        domain.append(("scheduled_date_start", "<", tzs.day_range_utc(filters.date_to,
                                                                     tz_name)[1]))
    if filters.stage:
        domain.append(("stage_id", "=", filters.stage))
    if filters.technician:
        domain += ["|", ("person_id", "=", filters.technician),
                   ("person_ids", "in", [filters.technician])]
    if filters.unassigned:
        domain += unassigned_domain()
    if filters.overdue:
        domain += overdue_domain(tzs.day_range_utc(today, tz_name)[0])
    if filters.priority:
        domain.append(("priority", "=", filters.priority))
    if filters.status:
        domain.append(("is_closed", "=", filters.status == "closed"))
    if filters.to_invoice:
        domain += TO_INVOICE_DOMAIN
    domain += search_domain(filters.q, SEARCH_FIELDS)
    return domain


# --------------------------------------------------------------------------- the table


def list_office_jobs(odoo, viewer, filters: JobFilters, *, now: datetime | None = None) -> dict:
    """One page of the office's jobs table. 2 RPCs (orders and count, in parallel) when the
    stages and technicians are cached; they join the same round trip when they are not."""
    now = now or tzs.now_utc()
    today = tzs.today(viewer.tz, now)
    domain = table_domain(filters, viewer.tz, today)
    extra = config_calls(odoo, viewer)
    fields = jobs.list_fields(viewer.version) + jobs.company_fields(viewer)
    page = {"limit": filters.query.limit, "offset": filters.query.offset,
            "order": filters.query.order()}
    # with OCA fieldservice_activity: the same 2 calls also give each order's steps
    steps = checklists.table_reads(odoo, viewer, domain, fields, **page)
    calls, unpack = steps or ([
        OdooCall("search_read", "fsm.order", domain, fields, **page),
        OdooCall("search_count", "fsm.order", domain),
    ], tuple)
    results = odoo.parallel([*calls, *extra.values()])
    orders, total = unpack(results[:len(calls)])
    stage_map, persons = keep_config(odoo, viewer, dict(zip(extra, results[len(calls):],
                                                            strict=True)))
    rows = []
    for order in orders:
        row = jobs.summarize_order(order, stage_map, viewer.tz, now, today=today, links=False)
        row["overdue"] = not row["is_closed"] and row["local_day"] is not None \
            and row["local_day"] < today
        row["scheduled"] = fmt.format_datetime(row["start_utc"], viewer.tz, today=today) \
            if row["start_utc"] else _("Not scheduled")
        row["steps"] = order.get("steps") or ""
        rows.append(row)
    return {
        "rows": rows,
        "info": page_info(filters.query, total, len(rows)),
        "filters": filters,
        "stages": [{"id": s.id, "name": s.name} for s in stage_map.stages],
        "technicians": persons,
        "priorities": [{"id": k, "name": v} for k, v in PRIORITIES],
        "statuses": [{"id": k, "name": v} for k, v in STATUSES.items()],
        "today": today,
        "tz": str(tzs.get_tz(viewer.tz)),
    }


# --------------------------------------------------------------------------- assign


def _local_input(value) -> str:
    """An aware datetime as the value of an <input type=datetime-local>."""
    return fmt.input_value(value)


def assign_form(odoo, viewer, job: dict, form=None) -> dict | None:
    """What the assign partial needs, for office roles only (technicians: None). Reads the
    technicians from their cache (1 RPC at most every few minutes)."""
    if viewer.is_technician:
        return None
    form = form or {}
    start = tzs.to_local(job.get("start_utc"), viewer.tz)
    hours = job.get("duration_hours") or 1
    end = start + timedelta(hours=hours) if start else None
    return {
        "technicians": get_technicians(odoo, viewer),
        "person_id": str(form.get("person_id", job.get("person_id") or "")),
        "start": form.get("start", _local_input(start)),
        "end": form.get("end", _local_input(end)),
        "tz": str(tzs.get_tz(viewer.tz)),
    }


def _parse_local(value, label, tz_name):
    if not value:
        return None
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        raise AssignError(_("%(label)s: “%(value)s” is not a date and time.", label=label,
                            value=value[:25])) from None
    if naive.tzinfo is not None:
        raise AssignError(_("%(label)s: give a local date and time, without a zone.",
                            label=label))
    return tzs.localize(naive.replace(second=0, microsecond=0), tz_name)


def check_assignment(odoo, viewer, job_id: int, form: dict) -> tuple[dict, dict]:
    """Validate an assignment without writing it: (the values for Odoo, the job read).

    :raises AssignError: unknown technician, bad or reversed times, a closed job.
    """
    if viewer.is_technician:
        raise AssignError(_("Only the office can assign jobs."))
    raw_person = (form.get("person_id") or "").strip()
    person_id = None
    if raw_person:
        person_id = whole_number(raw_person)
        if person_id is None:
            raise AssignError(_("Please choose a technician from the list."))
        if person_id not in {p["id"] for p in get_technicians(odoo, viewer)}:
            raise AssignError(_("That technician is not available any more. Please choose "
                                "again."))
    start = _parse_local(form.get("start"), _("Start"), viewer.tz)
    end = _parse_local(form.get("end"), _("End"), viewer.tz)
    if end and not start:
        raise AssignError(_("Please give a start time with the end time."))
    if start and end and end <= start:
        raise AssignError(_("The end must be after the start."))
    order = jobs.fetch_order(odoo, viewer, job_id, ["is_closed", "name"])
    if order.get("is_closed"):
        raise AssignError(_("This job is closed: it can't be reassigned."))
    vals = {
        "person_id": person_id or False,
        "scheduled_date_start": tzs.to_odoo_datetime(start) if start else False,
        "scheduled_date_end": tzs.to_odoo_datetime(end) if end else False,
    }
    if start and end:
        vals["scheduled_duration"] = round((end - start).total_seconds() / 3600, 2)
    return vals, order


def technician_name(odoo, viewer, person_id) -> str | None:
    return next((p["name"] for p in get_technicians(odoo, viewer) if p["id"] == person_id),
                None) if person_id else None


def assign_job(odoo, viewer, job_id: int, form: dict) -> str:
    """Assign a technician (or nobody) and the scheduled window, as the office user.

    :raises AssignError: unknown technician, bad or reversed times (nothing is written).
    :raises UserError: when Odoo refuses.
    """
    vals, _order = check_assignment(odoo, viewer, job_id, form)
    odoo.write("fsm.order", [job_id], vals)
    who = technician_name(odoo, viewer, vals["person_id"])
    return _("Assigned to %(technician)s.", technician=who) if who else _("Job left unassigned.")
