"""Several companies: which of the user's companies are active, as Odoo's own switcher does.

Odoo's session info lists the user's companies (`user_companies.allowed_companies`) and the
current one. Fieldkit keeps them in the Flask session at login (no RPC afterwards) and sends
the active ones as `allowed_company_ids` in every call's context (odoo_api.user_context): the
first is the current company (Odoo's env.company, the default company of new records), the
others are shown beside it. Odoo checks the ids itself ("Access to unauthorized or invalid
companies."); the switcher refuses an id outside the session's list before asking Odoo.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.platform.i18n import _


class CompanyChoiceError(ValueError):
    """A switch naming a company the user does not belong to (or none)."""

    def __init__(self, user_message):
        super().__init__(user_message)
        self.user_message = user_message


@dataclass(frozen=True)
class Company:
    id: int
    name: str


def from_session_info(info: dict) -> tuple[list[list], int | None]:
    """([[id, name], ...] by Odoo's order (sequence, then name), current id) from the session
    info of any version (16 also answers a top-level company_id)."""
    user_companies = info.get("user_companies") or {}
    current = user_companies.get("current_company") or info.get("company_id")
    if isinstance(current, list):  # very old servers answer [id, name]
        current = current[0]
    allowed = user_companies.get("allowed_companies") or {}
    if isinstance(allowed, list):  # 13-15 answered [[id, name], ...]
        rows = [{"id": c[0], "name": c[1]} for c in allowed if isinstance(c, list) and c]
    else:
        rows = [c for c in allowed.values() if isinstance(c, dict) and c.get("id")]
    rows.sort(key=lambda c: (c.get("sequence") or 0, c.get("name") or "", c["id"]))
    return [[int(c["id"]), str(c.get("name") or f"#{c['id']}")] for c in rows], current


def allowed(session) -> list[Company]:
    """Every company of the logged-in user (empty for sessions made before this existed)."""
    return [Company(int(cid), name) for cid, name in session.get("companies") or []]


def active_ids(session) -> list[int]:
    """The active companies, the current one first."""
    ids = session.get("company_ids")
    if ids:
        return list(ids)
    return [session["company_id"]] if session.get("company_id") else []


def choose(session, current, shown=()) -> list[int]:
    """The active ids for a switch to `current`, with the companies of `shown` beside it.

    :raises CompanyChoiceError: an id that is not one of the user's companies, or no company.
    """
    mine = {c.id for c in allowed(session)}
    try:
        current = int(current)
        shown = [int(cid) for cid in shown]
    except (TypeError, ValueError):
        raise CompanyChoiceError(_("Choose one of your companies.")) from None
    if current not in mine or any(cid not in mine for cid in shown):
        raise CompanyChoiceError(_("That company is not one of yours: choose one from the list."))
    return [current, *sorted(set(shown) - {current}, key=[c.id for c in allowed(session)].index)]


def switch(session, ids: list[int]) -> None:
    """Make `ids` the active companies (no RPC: every later call carries them)."""
    session["company_ids"] = list(ids)
    session["company_id"] = ids[0]


def label(session) -> str:
    """The active companies' names, the current one first ("A + B")."""
    names = {c.id: c.name for c in allowed(session)}
    return " + ".join(names[cid] for cid in active_ids(session) if cid in names)


def menu(session) -> dict | None:
    """What the user menu's switcher shows; None with a single company."""
    companies = allowed(session)
    if len(companies) < 2:
        return None
    active = active_ids(session)
    return {
        "companies": companies,
        "current": active[0] if active else None,
        "active": set(active),
        "label": label(session),
    }


def several_active(session) -> bool:
    """True when lists must say which company a record belongs to."""
    return len(active_ids(session)) > 1
