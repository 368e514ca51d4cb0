"""Which sections a phone's tab bar keeps (app/navigation.py `with_overflow`): at most five tabs,
the most relevant for the role, SECTIONS order kept, the rest under "More"."""
from app.navigation import PHONE_TABS, SECTIONS, NavItem, with_overflow


def items(*blueprints, active=""):
    by_blueprint = {s.blueprint: s for s in SECTIONS}
    return [NavItem(by_blueprint[b], f"/{b}", b == active) for b in blueprints]


OFFICE = ("jobs", "sales", "crm", "inventory", "customers", "dashboard", "invoices", "dispatch",
          "assets")
TECHNICIAN = ("jobs", "sales", "crm", "inventory", "customers")


def labels(nav, overflow):
    return [i.section.label for i in nav if i.overflow == overflow]


def test_office_keeps_four_tabs_and_puts_the_rest_under_more():
    nav = with_overflow(items(*OFFICE), "office")
    assert labels(nav, False) == ["Jobs", "Customers", "Dashboard", "Dispatch"]
    assert [i.section.label for i in nav.more] == ["Sales", "CRM", "Stock", "Invoices", "Assets"]
    # the rail: all (of the office's; the managers' Team is not one)
    assert [i.section.label for i in nav] == [s.label for s in SECTIONS if s.blueprint in OFFICE]
    assert nav.more_active is None


def test_managers_and_admins_rank_as_the_office():
    for role in ("manager", "admin"):
        assert labels(with_overflow(items(*OFFICE), role), False) == \
            ["Jobs", "Customers", "Dashboard", "Dispatch"]


def test_the_active_section_under_more_is_reported():
    nav = with_overflow(items(*OFFICE, active="inventory"), "office")
    assert nav.more_active.section.label == "Stock"
    assert with_overflow(items(*OFFICE, active="jobs"), "office").more_active is None


def test_five_sections_or_fewer_are_all_tabs():
    for role, blueprints in (("technician", TECHNICIAN), ("office", OFFICE[:PHONE_TABS]),
                             ("technician", ("jobs", "customers"))):
        nav = with_overflow(items(*blueprints), role)
        assert not nav.more and all(not i.overflow for i in nav)
        assert len(list(nav)) == len(blueprints)


def test_fewer_sections_fill_the_bar_by_rank():
    # An office user without sales or CRM rights: six sections, still four tabs and More.
    nav = with_overflow(items("jobs", "inventory", "customers", "dashboard", "dispatch",
                              "assets"), "office")
    assert labels(nav, False) == ["Jobs", "Customers", "Dashboard", "Dispatch"]
    assert labels(nav, True) == ["Stock", "Assets"]
    # Without dispatch, the next most relevant one takes its place.
    nav = with_overflow(items("jobs", "sales", "crm", "inventory", "customers", "dashboard"),
                        "office")
    assert labels(nav, False) == ["Jobs", "Sales", "Customers", "Dashboard"]


def test_an_empty_nav_is_falsy():
    assert not with_overflow([], "office")


def test_office_rail_and_phone_bar_share_one_order_dashboard_first():
    from app.navigation import in_role_order
    ordered = in_role_order(items(*OFFICE), "office")
    assert ordered[0].section.label == "Dashboard"
    nav = with_overflow(ordered, "office")
    tabs = labels(nav, False)
    rail = [i.section.label for i in nav]
    assert tabs == ["Dashboard", "Jobs", "Dispatch", "Customers"]
    assert rail[:len(tabs)] == tabs  # the bar is the rail's beginning
    # Technicians keep SECTIONS order (their jobs first).
    assert in_role_order(items(*TECHNICIAN), "technician")[0].section.label == "Jobs"
