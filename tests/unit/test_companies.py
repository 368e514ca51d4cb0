"""app/services/companies.py: the user's companies from real session infos (16, 18, 19
recordings with several companies), and the switcher's choices."""
import json
from pathlib import Path

import pytest

from app.services import companies

RECORDINGS = Path(__file__).resolve().parents[1] / "fixtures" / "odoo-recordings-more"


def recorded_info(version):
    path = RECORDINGS / f"odoo{version}" / "s_co_session_info_two_companies.json"
    return json.loads(path.read_text())["response"]["json"]["result"]


@pytest.mark.parametrize("version", [16, 18, 19])
def test_companies_from_recorded_session_infos(version):
    info = recorded_info(version)
    allowed, current = companies.from_session_info(info)
    assert current == 1
    assert len(allowed) == len(info["user_companies"]["allowed_companies"]) >= 3
    # Odoo's order: sequence, then name; the main company (sequence 0) first.
    assert allowed[0][0] == 1
    assert [name for _, name in allowed[1:]] == sorted(name for _, name in allowed[1:])


def test_one_company_and_old_shapes():
    info = {"company_id": [3, "Old"], "user_companies": {
        "current_company": [3, "Old"], "allowed_companies": [[3, "Old"], [4, "Other"]]}}
    assert companies.from_session_info(info) == ([[3, "Old"], [4, "Other"]], 3)
    assert companies.from_session_info({"company_id": 1}) == ([], 1)


def session_of(*ids, active=None):
    return {"companies": [[cid, f"Co {cid}"] for cid in ids], "company_id": (active or ids)[0],
            "company_ids": list(active or ids[:1])}


def test_choose_puts_the_current_company_first_and_refuses_others():
    session = session_of(1, 2, 3)
    assert companies.choose(session, "2") == [2]
    assert companies.choose(session, "2", ["3", "1", "2"]) == [2, 1, 3]
    for current, shown in (("9", []), ("1", ["9"]), ("x", []), (None, []), ("1", ["1.5"])):
        with pytest.raises(companies.CompanyChoiceError):
            companies.choose(session, current, shown)


def test_menu_only_with_several_companies():
    assert companies.menu(session_of(1)) is None
    session = session_of(1, 2, active=[2, 1])
    menu = companies.menu(session)
    assert menu["current"] == 2 and menu["active"] == {1, 2}
    assert menu["label"] == "Co 2 + Co 1" == companies.label(session)
    assert companies.several_active(session) and not companies.several_active(session_of(1, 2))
    companies.switch(session, [1])
    assert session["company_ids"] == [1] and session["company_id"] == 1
    # Sessions from before the switcher existed: the current company alone.
    assert companies.active_ids({"company_id": 5}) == [5] and companies.allowed({}) == []
