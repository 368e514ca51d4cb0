"""Who is looking at a page: user, role, company, Odoo version, time zone and language.

Every section builds one from the Flask session (``Viewer.from_session(session)``) and imports
it from here, so knowing who is looking never means importing another section.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Viewer:
    """Who is looking: the parts of the Flask session the jobs rules need."""

    user_id: int | None
    partner_id: int | None
    role: str = "technician"
    tz: str = "UTC"
    version: int = 17
    name: str = ""
    company_id: int | None = None
    lang: str = "en_US"
    # The active companies (allowed_company_ids), the current one first: caches of what
    # Odoo's company rules filter are kept per set of companies.
    company_ids: tuple = ()

    @classmethod
    def from_session(cls, session) -> Viewer:
        """Build a viewer from the keys set at login (see docs/architecture.md)."""
        return cls(
            user_id=session.get("user_id"),
            partner_id=session.get("partner_id"),
            role=session.get("role") or "technician",
            tz=session.get("tz") or "UTC",
            version=int(session.get("odoo_version") or 17),
            name=session.get("user_name") or session.get("username") or "",
            company_id=session.get("company_id"),
            lang=session.get("lang") or "en_US",
            company_ids=tuple(session.get("company_ids") or (
                [session["company_id"]] if session.get("company_id") else [])),
        )

    @property
    def companies_key(self) -> tuple:
        """The active companies as a cache key part (what Odoo's company rules let through)."""
        return tuple(sorted(self.company_ids)) or (self.company_id,)

    @property
    def several_companies(self) -> bool:
        """True when lists say which company each record belongs to."""
        return len(self.company_ids) > 1

    @property
    def is_technician(self) -> bool:
        return self.role not in ("office", "manager")
