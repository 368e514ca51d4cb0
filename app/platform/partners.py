"""Which contacts (``res.partner``) are customers.

OCA fieldservice's ``fsm.location`` and ``fsm.person`` ``_inherits`` res.partner: every
service location is a partner of its own ("Bluewater Marina - Main" next to the customer
"Bluewater Marina"), flagged ``fsm_location`` (fieldservice/models/res_partner.py, 15 to 19).
Customer search and the customer pickers leave those out, unless the partner owns locations
itself (a location made from the customer's own contact), and show the locations under their
owner (``owned_location_ids``) instead.
"""

from __future__ import annotations

# res.partner: not a service location's partner, or one that owns locations.
CUSTOMERS = ["|", ("fsm_location", "=", False), ("owned_location_ids", "!=", False)]
LOCATION_FIELDS = ["name", "owner_id"]


def group_by_owner(locations: list[dict]) -> dict[int, list[dict]]:
    """{owner id: [{"id", "name"}, ...]} of fsm.location rows (``LOCATION_FIELDS``)."""
    out: dict[int, list[dict]] = {}
    for row in locations:
        owner = row.get("owner_id")
        owner_id = owner[0] if isinstance(owner, (list, tuple)) and owner else owner
        if owner_id:
            out.setdefault(owner_id, []).append({"id": row["id"], "name": row.get("name") or ""})
    return out
