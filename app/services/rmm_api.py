"""The RMM's REST API (Pulseway's v2 shape) and the client sync: Odoo -> RMM organisations.

Odoo is master for clients: each company partner becomes an organisation in the RMM, named
like the partner. `sync_clients` is safe for cron: it lists the RMM's organisations first and
creates only the missing ones (matched by name, case-insensitively), so a run that was
interrupted, or an organisation created by hand, is never duplicated. A failure is posted on
the partner's history and the partner is simply tried again on the next run.
"""
# Languages (issue 29): nothing here is marked for translation. The answers go to the RMM's
# webhook client and the `flask` command's operator, and the notes and tickets are written by
# the integration user outside any person's session: English, like the logs and the API.

from __future__ import annotations

import logging

import requests
from flask import current_app
from markupsafe import escape

log = logging.getLogger(__name__)

PAGE_SIZE = 100


class RMMError(Exception):
    """The RMM refused or could not be reached; `user_message` says which, for people."""

    def __init__(self, user_message, *, status=None, retry=True):
        super().__init__(user_message)
        self.user_message = user_message
        self.status = status
        self.retry = retry


class RMMClient:
    """`GET/POST {base}/organizations`, answers wrapped in `{"Data": ..., "Meta": {...}}`."""

    def __init__(self, base_url, token, timeout=(5, 20), session=None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.http = session or requests.Session()
        self.http.headers.update({"Authorization": f"Bearer {token}",
                                  "Accept": "application/json", "User-Agent": "Fieldkit"})

    def _request(self, method, path, **kwargs):
        try:
            response = self.http.request(method, self.base_url + path, timeout=self.timeout,
                                         **kwargs)
        except requests.RequestException as exc:
            raise RMMError(f"The RMM can't be reached ({type(exc).__name__}).") from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400 or not isinstance(body, dict):
            meta = (body or {}).get("Meta") if isinstance(body, dict) else None
            reason = (meta or {}).get("ErrorMessage") or f"HTTP {response.status_code}"
            raise RMMError(f"The RMM answered: {reason}.", status=response.status_code,
                           retry=response.status_code >= 500 or response.status_code == 429)
        return body.get("Data")

    def list_organizations(self):
        """Every organisation, page by page."""
        organizations, skip = [], 0
        while True:
            page = self._request("GET", "/organizations",
                                 params={"$top": PAGE_SIZE, "$skip": skip}) or []
            organizations.extend(page)
            if len(page) < PAGE_SIZE:
                return organizations
            skip += PAGE_SIZE

    def create_organization(self, name):
        return self._request("POST", "/organizations", json={"Name": name})


def rmm_client():
    """The client from RMM_API_URL / RMM_API_TOKEN.

    :raises RMMError: when they are not set.
    """
    config = current_app.config
    if not config.get("RMM_API_URL") or not config.get("RMM_API_TOKEN"):
        raise RMMError("Set RMM_API_URL and RMM_API_TOKEN to sync clients to the RMM.",
                       retry=False)
    return RMMClient(config["RMM_API_URL"], config["RMM_API_TOKEN"],
                     timeout=config.get("RMM_TIMEOUT", (5, 20)))


def company_partners(odoo):
    """The client companies in Odoo: company partners, except the companies using Odoo."""
    own = [c["partner_id"][0] for c in odoo.search_read("res.company", [], ["partner_id"])
           if c.get("partner_id")]
    return odoo.search_read("res.partner", [("is_company", "=", True), ("id", "not in", own)],
                            ["name"], order="id")


def sync_clients(odoo, rmm, *, dry_run=False):
    """Create the missing organisations. Returns {"created": [...], "existing": n,
    "failed": [(name, reason)]}.

    :raises RMMError: when the RMM's list can't be read (nothing is created then).
    """
    known = {(o.get("Name") or "").strip().lower() for o in rmm.list_organizations()}
    report = {"created": [], "existing": 0, "failed": []}
    for partner in company_partners(odoo):
        name = (partner.get("name") or "").strip()
        if not name or name.lower() in known:
            report["existing"] += bool(name)
            continue
        if dry_run:
            report["created"].append(name)
            continue
        try:
            rmm.create_organization(name)
        except RMMError as exc:
            report["failed"].append((name, exc.user_message))
            log.warning("rmm organisation for partner %s not created: %s", partner["id"],
                        exc.user_message)
            odoo.message_post("res.partner", partner["id"], (
                f"<p>Fieldkit could not create this client in the RMM: "
                f"{escape(exc.user_message)} It will try again on the next sync.</p>"))
            if exc.retry:
                break  # the RMM is down or overloaded: the others wait for the next run
            continue
        known.add(name.lower())
        report["created"].append(name)
    return report
