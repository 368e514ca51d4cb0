"""Tests for odoo_emulator.domain: Odoo's domain language and ordering, in Python."""
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from odoo_emulator.domain import (
    FALSE_LEAF,
    TRUE_LEAF,
    DomainError,
    filter_records,
    normalize_domain,
    sort_records,
)

# ------------------------------------------------------------------------------------------
# a small fake implementing the model protocol
# ------------------------------------------------------------------------------------------

FIELDS = {
    "fsm.order": {
        "name": {"type": "char"},
        "description": {"type": "text"},
        "priority": {"type": "selection"},
        "sequence": {"type": "integer"},
        "amount": {"type": "float"},
        "done": {"type": "boolean"},
        "date": {"type": "date"},
        "scheduled": {"type": "datetime"},
        "partner_id": {"type": "many2one", "relation": "res.partner"},
        "person_id": {"type": "many2one", "relation": "fsm.person"},
        "stage_id": {"type": "many2one", "relation": "fsm.stage"},
        "tag_ids": {"type": "many2many", "relation": "fsm.tag"},
        "line_ids": {"type": "one2many", "relation": "fsm.order.line",
                     "relation_field": "order_id"},
    },
    "fsm.order.line": {
        "name": {"type": "char"},
        "order_id": {"type": "many2one", "relation": "fsm.order"},
        "active": {"type": "boolean"},
    },
    "res.partner": {
        "name": {"type": "char"},
        "city": {"type": "char"},
        "parent_id": {"type": "many2one", "relation": "res.partner"},
        "child_ids": {"type": "one2many", "relation": "res.partner",
                      "relation_field": "parent_id"},
        "active": {"type": "boolean"},
    },
    "res.users": {
        "name": {"type": "char"},
        "login": {"type": "char"},
        "partner_id": {"type": "many2one", "relation": "res.partner"},
        "active": {"type": "boolean"},
    },
    "fsm.person": {
        "name": {"type": "char"},
        "user_ids": {"type": "many2many", "relation": "res.users"},
    },
    "fsm.stage": {
        "name": {"type": "char"},
        "sequence": {"type": "integer"},
    },
    "fsm.tag": {
        "name": {"type": "char"},
        "active": {"type": "boolean"},
    },
}

ORDERS = {
    "fsm.order": "sequence, name, id",
    "res.partner": "name, id",
    "fsm.stage": "sequence, id",
    "fsm.person": "id",
    "fsm.tag": "name",
    "res.users": "login",
    "fsm.order.line": "id",
}

F = False
DATA = {
    "fsm.order": {
        100: {"name": "WO-001", "priority": "1", "sequence": 5, "amount": 10.5, "done": True,
                  "date": "2024-03-01", "scheduled": "2024-03-01 09:30:00", "partner_id": 1,
                  "person_id": 20, "stage_id": 30, "tag_ids": [1]},
        101: {"name": "WO-002", "priority": "0", "sequence": 3, "amount": 0.0, "done": False,
                  "date": "2024-03-02", "scheduled": "2024-03-02 23:59:59", "partner_id": 2,
                  "person_id": 21, "stage_id": 31, "tag_ids": [1, 2]},
        102: {"name": "wo-003", "priority": "2", "sequence": 3, "amount": 99.0, "done": False,
                  "date": F, "scheduled": F, "partner_id": F, "person_id": F, "stage_id": 32,
                  "tag_ids": []},
        103: {"name": "WO_004", "priority": F, "sequence": 0, "amount": 5.0, "done": False,
                  "date": "2024-02-28", "scheduled": "2024-02-29 00:00:00", "partner_id": 3,
                  "person_id": 22, "stage_id": 30, "tag_ids": [3]},
        104: {"name": "Fix 50% leak", "priority": "1", "sequence": 10, "amount": 5.0, "done": True,
                  "date": "2024-03-01", "scheduled": "2024-03-01 00:00:00", "partner_id": 5,
                  "person_id": 20, "stage_id": F, "tag_ids": [2]},
        105: {"name": F, "priority": "0", "sequence": 5, "amount": 1.0, "done": False,
                  "date": "2024-03-05", "scheduled": "2024-03-05 12:00:00", "partner_id": 6,
                  "person_id": F, "stage_id": 31, "tag_ids": []},
    },
    "fsm.order.line": {
        200: {"name": "pump", "order_id": 100, "active": True},
        201: {"name": "valve", "order_id": 100, "active": True},
        202: {"name": "Pump housing", "order_id": 101, "active": True},
        203: {"name": "old filter", "order_id": 103, "active": False},
    },
    "res.partner": {
        1: {"name": "Acme Corp", "city": "Paris", "parent_id": F, "active": True},
        2: {"name": "Bob Smith", "city": "London", "parent_id": 1, "active": True},
        3: {"name": "Carol", "city": F, "parent_id": 1, "active": True},
        4: {"name": "dave", "city": "paris", "parent_id": 2, "active": True},
        5: {"name": "Eve Archived", "city": "Berlin", "parent_id": 3, "active": False},
        6: {"name": "Acme Child", "city": "Rome", "parent_id": 4, "active": True},
    },
    "res.users": {
        10: {"name": "Admin", "login": "admin", "partner_id": 1, "active": True},
        11: {"name": "Tech 1", "login": "tech1", "partner_id": 2, "active": True},
        12: {"name": "Tech 2", "login": "tech2", "partner_id": 4, "active": False},
    },
    "fsm.person": {
        20: {"name": "Tech One", "user_ids": [11]},
        21: {"name": "Tech Two", "user_ids": [12]},
        22: {"name": "Nobody", "user_ids": []},
    },
    "fsm.stage": {
        30: {"name": "New", "sequence": 1},
        31: {"name": "Done", "sequence": 10},
        32: {"name": "Cancelled", "sequence": 5},
    },
    "fsm.tag": {
        1: {"name": "VIP", "active": True},
        2: {"name": "Prospect", "active": True},
        3: {"name": "Old", "active": False},
    },
}


class FakeEnv:
    def __init__(self, data, version=17):
        self.data = data
        self.version = version
        self.models = {}

    def __getitem__(self, name):
        if name not in self.models:
            self.models[name] = FakeModel(self, name)
        return self.models[name]


class FakeModel:
    def __init__(self, env, name):
        self.env = env
        self._name = name
        self.fields = FIELDS[name]
        self.records = env.data[name]
        self.calls = 0

    @property
    def version(self):
        return self.env.version

    @property
    def parent_name(self):
        return "parent_id" if "parent_id" in self.fields else None

    @property
    def order_default(self):
        return ORDERS[self._name]

    def field_info(self, fname):
        return self.fields.get(fname)

    def comodel(self, name):
        return self.env[name]

    def raw_value(self, rid, fname):
        self.calls += 1
        if fname == "id":
            return rid
        info = self.fields[fname]
        if info["type"] == "one2many":  # like the ORM: active lines only
            co = self.env[info["relation"]]
            return [cid for cid, rec in co.records.items()
                    if rec.get(info["relation_field"]) == rid and rec.get("active", True)]
        default = [] if info["type"] == "many2many" else False
        return self.records[rid].get(fname, default)

    def search_all_ids(self, active_test=True):
        ids = sorted(self.records)
        if active_test and "active" in self.fields:
            ids = [i for i in ids if self.records[i].get("active", True)]
        return ids

    def display_name_of(self, rid):
        return self.records[rid]["name"] or ""


@pytest.fixture
def env():
    return FakeEnv(DATA)


@pytest.fixture
def orders(env):
    return env["fsm.order"]


ALL = [100, 101, 102, 103, 104, 105]


def f(model, domain, **kw):
    return filter_records(model, domain, list(model.search_all_ids()), **kw)


# ------------------------------------------------------------------------------------------
# normalize_domain
# ------------------------------------------------------------------------------------------

def test_normalize_empty_is_true_leaf():
    assert normalize_domain([]) == [TRUE_LEAF]
    assert TRUE_LEAF == (1, "=", 1) and FALSE_LEAF == (0, "=", 1)


def test_normalize_implicit_and_and_tuples():
    a, b, c = ["a", "=", 1], ("b", "=", 2), ["c", "=", 3]
    assert normalize_domain([a, b]) == ["&", ("a", "=", 1), ("b", "=", 2)]
    assert normalize_domain(["|", a, b, c]) == ["&", "|", ("a", "=", 1), ("b", "=", 2),
                                                ("c", "=", 3)]
    assert normalize_domain(["!", a, b]) == ["&", "!", ("a", "=", 1), ("b", "=", 2)]
    assert normalize_domain([a, b, c]) == ["&", "&", ("a", "=", 1), ("b", "=", 2),
                                           ("c", "=", 3)]


def test_normalize_arity_errors():
    with pytest.raises(DomainError) as exc:
        normalize_domain(["&", ("a", "=", 1)])
    assert str(exc.value) == "Domain ['&', ('a', '=', 1)] is syntactically not correct."
    with pytest.raises(DomainError) as exc:
        normalize_domain(["|", ["a", "=", 1]], version=16)
    assert str(exc.value) == "This domain is syntactically not correct: ['|', ['a', '=', 1]]"
    with pytest.raises(DomainError):
        normalize_domain([("a", "=", 1), "!"])


# ------------------------------------------------------------------------------------------
# comparison operators, False/None rules
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("domain, expected", [
    ([("name", "=", "WO-001")], [100]),
    ([("name", "=", False)], [105]),
    ([("name", "=", None)], [105]),
    ([("name", "!=", "WO-001")], [101, 102, 103, 104, 105]),   # NULL matches !=
    ([("name", "<>", "WO-001")], [101, 102, 103, 104, 105]),
    ([("name", "!=", False)], [100, 101, 102, 103, 104]),
    ([("name", "in", ["WO-001", "wo-003"])], [100, 102]),
    ([("name", "in", ["WO-001", False])], [100, 105]),
    ([("name", "not in", ["WO-001"])], [101, 102, 103, 104, 105]),
    ([("name", "not in", ["WO-001", False])], [101, 102, 103, 104]),
    ([("name", "in", [])], []),
    ([("name", "not in", [])], ALL),
    ([("name", "=", ["WO-001", "WO-002"])], [100, 101]),       # = list -> in
    ([("sequence", ">", 3)], [100, 104, 105]),
    ([("sequence", "<=", 3)], [101, 102, 103]),
    ([("sequence", "=", 0)], [103]),
    ([("sequence", "=", "3")], [101, 102]),                     # operand converted
    ([("amount", ">=", 5)], [100, 102, 103, 104]),
    ([("amount", "<", 1.0)], [101]),
    ([("priority", "=", "1")], [100, 104]),
    ([("priority", "=", False)], [103]),
    ([("priority", "in", ["0", "2"])], [101, 102, 105]),
    ([("priority", "!=", "1")], [101, 102, 103, 105]),
])
def test_basic_operators(orders, domain, expected):
    assert f(orders, domain) == expected


@pytest.mark.parametrize("domain, expected", [
    ([("date", "<", "2024-03-01")], [103]),                     # NULL never compares
    ([("date", ">=", "2024-03-01")], [100, 101, 104, 105]),
    ([("date", "=", False)], [102]),
    ([("date", "!=", "2024-03-01")], [101, 102, 103, 105]),
    ([("date", "=", date(2024, 3, 1))], [100, 104]),
    ([("date", "<=", "2024-03-01 18:00:00")], [100, 103, 104]),  # truncated to the date
    # datetime compared to a date: '>' and '<=' use 23:59:59, others 00:00:00
    ([("scheduled", "<=", "2024-03-01")], [100, 103, 104]),
    ([("scheduled", ">", "2024-03-01")], [101, 105]),
    ([("scheduled", "=", "2024-03-01")], [104]),
    ([("scheduled", ">=", date(2024, 3, 2))], [101, 105]),
    ([("scheduled", "<", datetime(2024, 3, 1, 9, 30))], [103, 104]),
    ([("scheduled", "<", "2024-03-01 09:30")], [103, 104]),
    ([("scheduled", "=", False)], [102]),
])
def test_dates_and_datetimes(orders, domain, expected):
    assert f(orders, domain) == expected


@pytest.mark.parametrize("domain, expected", [
    ([("partner_id", "=?", False)], ALL),
    ([("name", "=?", None)], ALL),
    ([("stage_id", "=?", 30)], [100, 103]),
    ([("name", "=?", "WO-002")], [101]),
])
def test_equal_if_value(orders, domain, expected):
    assert f(orders, domain) == expected


def test_boolean_rules(orders):
    assert f(orders, [("done", "=", True)]) == [100, 104]
    assert f(orders, [("done", "=", False)]) == [101, 102, 103, 105]
    assert f(orders, [("done", "!=", True)]) == [101, 102, 103, 105]
    assert f(orders, [("done", "!=", False)]) == [100, 104]
    assert f(orders, [("done", "in", [False])]) == [101, 102, 103, 105]
    assert f(orders, [("done", "not in", [False])]) == [100, 104]
    assert f(orders, [("done", "in", [True, False])]) == ALL
    assert f(orders, [("done", "in", True)]) == [100, 104]      # 'in' bool -> '='


def test_id_field(orders):
    assert f(orders, [("id", "in", [100, 102])]) == [100, 102]
    assert f(orders, [("id", ">", 103)]) == [104, 105]
    assert f(orders, [("id", "=", False)]) == []
    assert f(orders, [("id", "!=", 101)]) == [100, 102, 103, 104, 105]


def test_true_and_false_leaves(orders):
    assert f(orders, [TRUE_LEAF]) == ALL
    assert f(orders, [FALSE_LEAF]) == []
    assert f(orders, [[0, "=", 1]]) == []
    assert f(orders, ["|", FALSE_LEAF, ("id", "=", 100)]) == [100]
    assert f(orders, ["!", FALSE_LEAF]) == ALL
    assert f(orders, []) == ALL


def test_input_order_kept_and_subset(orders):
    assert filter_records(orders, [("done", "=", False)], [105, 101, 104, 103]) == [105, 101, 103]
    assert filter_records(orders, [], [103, 100]) == [103, 100]


# ------------------------------------------------------------------------------------------
# like / ilike / =like / =ilike
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("domain, expected", [
    ([("name", "like", "WO")], [100, 101, 103]),                 # case-sensitive
    ([("name", "ilike", "wo")], [100, 101, 102, 103]),
    ([("name", "ilike", "LEAK")], [104]),
    # Odoo wraps the operand in %...% without escaping: % and _ stay wildcards
    ([("name", "like", "50%leak")], [104]),
    ([("name", "like", "WO_00")], [100, 101, 103]),
    ([("name", "like", "WO\\_00")], [103]),                      # backslash escapes
    ([("name", "not like", "WO")], [102, 104, 105]),             # NULL included
    ([("name", "not ilike", "wo")], [104, 105]),
    ([("name", "like", "")], ALL),                               # '%%' or NULL
    ([("name", "ilike", False)], ALL),
    ([("name", "not ilike", "")], [105]),                        # only NULL
    ([("name", "=like", "WO-%")], [100, 101]),
    ([("name", "=like", "WO")], []),
    ([("name", "=like", "WO_00_")], [100, 101, 103]),
    ([("name", "=ilike", "wo-%")], [100, 101, 102]),
    ([("name", "=ilike", "wo-001")], [100]),
    ([("name", "=like", False)], []),
    ([("sequence", "like", "5")], [100, 105]),                   # column::text
    ([("done", "ilike", "TRU")], [100, 104]),
    ([("date", "like", "2024-03")], [100, 101, 104, 105]),
])
def test_like_operators(orders, domain, expected):
    assert f(orders, domain) == expected


# ------------------------------------------------------------------------------------------
# negation and nesting
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("domain, expected", [
    (["!", ("name", "=", "WO-001")], [101, 102, 103, 104, 105]),
    (["!", ("sequence", "<", 5)], [100, 104, 105]),
    # '!' on =like is SQL NOT(...): a NULL name matches neither side
    (["!", ("name", "=like", "WO%")], [102, 104]),
    # '!' on '<' becomes '>=' (Odoo <= 18): NULL excluded
    (["!", ("date", "<", "2024-03-01")], [100, 101, 104, 105]),
    (["!", "!", ("done", "=", True)], [100, 104]),
    (["|", ("stage_id", "=", 30), "&", ("done", "=", False), ("amount", ">", 50)],
     [100, 102, 103]),
    (["!", "|", ("stage_id", "=", 30), ("stage_id", "=", 31)], [102, 104]),
    ([("done", "=", False), ("sequence", "=", 3)], [101, 102]),
    (["&", "!", ("done", "=", True), "|", ("partner_id", "=", False), ("amount", "=", 1.0)],
     [102, 105]),
    (["|", "|", ("id", "=", 100), ("id", "=", 101), ("id", "=", 105), ("done", "=", False)],
     [101, 105]),
    (["!", "&", ("done", "=", False), ("sequence", "=", 3)], [100, 103, 104, 105]),
])
def test_negation_and_nesting(orders, domain, expected):
    assert f(orders, domain) == expected


def test_negated_inequality_odoo19_includes_null(orders):
    assert f(orders, ["!", ("date", "<", "2024-03-01")], version=19) == [100, 101, 102, 104, 105]


# ------------------------------------------------------------------------------------------
# many2one
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("domain, expected", [
    ([("partner_id", "=", 1)], [100]),
    ([("partner_id", "=", False)], [102]),
    ([("partner_id", "!=", 1)], [101, 102, 103, 104, 105]),
    ([("partner_id", "!=", False)], [100, 101, 103, 104, 105]),
    ([("partner_id", "in", [1, 2])], [100, 101]),
    ([("partner_id", "in", [False, 3])], [102, 103]),
    ([("partner_id", "not in", [1])], [101, 102, 103, 104, 105]),
    ([("partner_id", "not in", [1, False])], [101, 103, 104, 105]),
    # strings are a name search on the comodel (inactive records included)
    ([("partner_id", "=", "Bob Smith")], [101]),
    ([("partner_id", "ilike", "acme")], [100, 105]),
    ([("partner_id", "ilike", "eve")], [104]),
    ([("partner_id", "not ilike", "acme")], [101, 102, 103, 104]),
    ([("partner_id", "in", ["Carol", "dave"])], [103]),
    ([("partner_id", "!=", "Carol")], [100, 101, 102, 104, 105]),
    ([("partner_id", "=like", "Acme%")], [100, 105]),
])
def test_many2one(orders, domain, expected):
    assert f(orders, domain) == expected


# ------------------------------------------------------------------------------------------
# dotted paths
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("domain, expected", [
    ([("partner_id.city", "=", "Paris")], [100]),
    ([("partner_id.city", "ilike", "PARIS")], [100]),
    ([("partner_id.parent_id.name", "=", "Acme Corp")], [101, 103]),
    ([("partner_id.parent_id", "=", False)], [100]),
    # the comodel condition is evaluated on linked records: no partner -> no match
    ([("partner_id.city", "!=", "Paris")], [101, 103, 104, 105]),
    # many2one sub-search ignores 'active'
    ([("partner_id.name", "ilike", "eve")], [104]),
    # x2many sub-search honours 'active'
    ([("person_id.user_ids.login", "=", "tech1")], [100, 104]),
    ([("person_id.user_ids.login", "=", "tech2")], []),
    ([("tag_ids.name", "=", "Old")], []),
    ([("tag_ids.name", "=", "VIP")], [100, 101]),
    ([("line_ids.name", "ilike", "pump")], [100, 101]),
    ([("line_ids.name", "=", "old filter")], []),
    (["|", ("partner_id.city", "=", "London"), ("stage_id.name", "=", "Cancelled")],
     [101, 102]),
])
def test_dotted_paths(orders, domain, expected):
    assert f(orders, domain) == expected


def test_negated_path_depends_on_version(orders):
    dom = ["!", ("partner_id.city", "=", "Paris")]
    # 17+: '!' on a path is 'not any' -> records without partner match
    assert f(orders, dom) == [101, 102, 103, 104, 105]
    # 16: distribute_not() first -> ('partner_id.city', '!=', 'Paris')
    assert f(orders, dom, version=16) == [101, 103, 104, 105]


def test_any_operators(orders):
    assert f(orders, [("partner_id", "any", [("city", "=", "London")])]) == [101]
    assert f(orders, [("partner_id", "not any", [("city", "=", "London")])]) == \
        [100, 102, 103, 104, 105]
    assert f(orders, [("tag_ids", "not any", [("name", "=", "VIP")])]) == [102, 103, 104, 105]
    assert f(orders, [("tag_ids", "any", ["|", ("name", "=", "VIP"), ("name", "=", "Prospect")])]) \
        == [100, 101, 104]


# ------------------------------------------------------------------------------------------
# x2many operands
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("domain, expected", [
    ([("tag_ids", "in", [1])], [100, 101]),
    ([("tag_ids", "=", 2)], [101, 104]),
    ([("tag_ids", "in", [1, 2])], [100, 101, 104]),
    ([("tag_ids", "=", False)], [102, 105]),
    ([("tag_ids", "!=", False)], [100, 101, 103, 104]),
    ([("tag_ids", "not in", [1])], [102, 103, 104, 105]),
    ([("tag_ids", "!=", 2)], [100, 102, 103, 105]),
    ([("tag_ids", "in", [3])], [103]),             # explicit ids: no active filter
    ([("tag_ids", "ilike", "vip")], [100, 101]),   # name search
    ([("tag_ids", "=", "Old")], []),               # name search skips inactive tags
    ([("tag_ids", "not ilike", "vip")], [102, 103, 104, 105]),
    # one2many: '= False' means no line at all, inactive lines count (Odoo)
    ([("line_ids", "=", False)], [102, 104, 105]),
    ([("line_ids", "!=", False)], [100, 101, 103]),
    ([("line_ids", "in", [203])], [103]),
    ([("line_ids", "=", 202)], [101]),
    ([("line_ids", "ilike", "pump")], [100, 101]),
])
def test_x2many(orders, domain, expected):
    assert f(orders, domain) == expected


def test_x2many_empty_list_version_rules(orders):
    # <= 18: ('!=', []) is 'not in []' (everything); 19: "is set"
    assert f(orders, [("tag_ids", "!=", [])]) == ALL
    assert f(orders, [("tag_ids", "!=", [])], version=19) == [100, 101, 103, 104]


# ------------------------------------------------------------------------------------------
# child_of / parent_of
# ------------------------------------------------------------------------------------------

def test_child_of_many2one(orders):
    # partner 5 is archived: hierarchy traversal ignores 'active'
    assert f(orders, [("partner_id", "child_of", 1)]) == [100, 101, 103, 104, 105]
    assert f(orders, [("partner_id", "child_of", 3)]) == [103, 104]
    assert f(orders, [("partner_id", "child_of", [2, 3])]) == [101, 103, 104, 105]
    assert f(orders, [("partner_id", "child_of", "Bob")]) == [101, 105]   # name search
    assert f(orders, [("partner_id", "child_of", [])]) == []
    assert f(orders, [("partner_id", "child_of", False)]) == []
    # NOT (partner_id IN ...) is NULL for a missing partner
    assert f(orders, ["!", ("partner_id", "child_of", 3)]) == [100, 101, 105]


def test_parent_of_many2one(orders):
    assert f(orders, [("partner_id", "parent_of", 6)]) == [100, 101, 105]
    assert f(orders, [("partner_id", "parent_of", [5])]) == [100, 103, 104]


def test_hierarchy_on_same_model(env):
    partners = env["res.partner"]
    ids = [1, 2, 3, 4, 5, 6]
    assert filter_records(partners, [("id", "child_of", 2)], ids) == [2, 4, 6]
    assert filter_records(partners, [("id", "parent_of", [4])], ids) == [1, 2, 4]
    assert filter_records(partners, [("parent_id", "child_of", 2)], ids) == [2, 4, 6]
    assert filter_records(partners, [("id", "child_of", "acme corp")], ids) == [1, 2, 3, 4, 5, 6]
    assert filter_records(partners, [("child_ids", "=", False)], ids) == [5, 6]
    assert filter_records(partners, [("child_ids.name", "=", "dave")], ids) == [2]


# ------------------------------------------------------------------------------------------
# errors and their Odoo messages
# ------------------------------------------------------------------------------------------

MALFORMED = [["name", "=like"]]
UNKNOWN = [["no_such_field", "=", 1]]
MESSAGES = {
    16: ("Invalid leaf ('name', '=like')",
         "Invalid field fsm.order.no_such_field in leaf ('no_such_field', '=', 1)"),
    17: ("not enough values to unpack (expected 3, got 2)",
         "Invalid field fsm.order.no_such_field in leaf ('no_such_field', '=', 1)"),
    18: ("not enough values to unpack (expected 3, got 2)",
         "Invalid field fsm.order.no_such_field in leaf ('no_such_field', '=', 1)"),
    19: ("Domain() invalid item in domain: ['name', '=like']",
         "Invalid field fsm.order.no_such_field in condition ('no_such_field', '=', 1)"),
}


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_error_messages_match_recordings(orders, version):
    malformed, unknown = MESSAGES[version]
    with pytest.raises(DomainError) as exc:
        f(orders, MALFORMED, version=version)
    assert str(exc.value) == malformed
    assert exc.value.odoo_exception == "builtins.ValueError"
    with pytest.raises(DomainError) as exc:
        f(orders, UNKNOWN, version=version)
    assert str(exc.value) == unknown
    assert isinstance(exc.value, ValueError)


RECORDINGS = Path(__file__).resolve().parents[1] / "fixtures" / "odoo-recordings"


@pytest.mark.parametrize("version", [16, 17, 18, 19])
@pytest.mark.parametrize("name", ["error_malformed_domain", "error_unknown_field_in_domain"])
def test_error_messages_against_recording_files(env, version, name):
    rec = json.loads((RECORDINGS / f"odoo{version}" / f"{name}.json").read_text())
    params = rec["request"]["json"]["params"]
    model = env[params["model"]]
    with pytest.raises(DomainError) as exc:
        filter_records(model, params["args"][0], model.search_all_ids(), version=version)
    data = rec["response"]["json"]["error"]["data"]
    assert str(exc.value) == data["message"]
    assert exc.value.odoo_exception == data["name"]


def test_version_taken_from_model(env):
    env.version = 19
    with pytest.raises(DomainError, match=r"^Domain\(\) invalid item"):
        f(env["fsm.order"], MALFORMED)


@pytest.mark.parametrize("version, domain, message, exc_name", [
    (17, [("name", "foo", "x")], "Invalid leaf ('name', 'foo', 'x')", "builtins.ValueError"),
    (16, [("name", "foo", "x")], "Invalid leaf ('name', 'foo', 'x')", "builtins.ValueError"),
    (19, [("name", "foo", "x")], "Invalid operator in condition ('name', 'foo', 'x')",
     "builtins.ValueError"),
    (17, [("name", "=", "x", 1)], "too many values to unpack (expected 3)",
     "builtins.ValueError"),
    (17, ["&", ("name", "=", "x")], "pop from empty list", "builtins.IndexError"),
    (16, ["&", ("name", "=", "x")],
     "This domain is syntactically not correct: ['&', ('name', '=', 'x')]",
     "builtins.AssertionError"),
    (19, ["&", ("name", "=", "x")], "Domain() malformed domain ['&', ('name', '=', 'x')]",
     "builtins.ValueError"),
    (17, [("partner_id.nope", "=", 1)],
     "Invalid field res.partner.nope in leaf ('nope', '=', 1)", "builtins.ValueError"),
    (16, [("partner_id.nope", "=", 1)],
     "Invalid field res.partner.nope in leaf ('nope', '=', 1)", "builtins.ValueError"),
    (19, [("partner_id.nope", "=", 1)],
     "Invalid field res.partner.nope in condition ('nope', '=', 1)", "builtins.ValueError"),
    (17, [("name", "=", "x"), ("bogus", "in", [1, 2])],
     "Invalid field fsm.order.bogus in leaf ('bogus', 'in', [1, 2])", "builtins.ValueError"),
    (17, [("name", "in", "x")], "Invalid domain term ('name', 'in', 'x')",
     "builtins.ValueError"),
    (17, [("name", "ILIKE", "x")], "Invalid leaf ('name', 'ILIKE', 'x')", "builtins.ValueError"),
])
def test_malformed_domains(orders, version, domain, message, exc_name):
    with pytest.raises(DomainError) as exc:
        f(orders, domain, version=version)
    assert str(exc.value) == message
    assert exc.value.odoo_exception == exc_name


def test_odoo19_accepts_upper_case_operator(orders):
    assert f(orders, [("name", "ILIKE", "leak")], version=19) == [104]


def test_bad_operand_conversion_is_domain_error(orders):
    with pytest.raises(DomainError, match="invalid literal for int"):
        f(orders, [("sequence", "=", "abc")])


# ------------------------------------------------------------------------------------------
# ordering
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("order, expected", [
    (None, [103, 101, 102, 100, 105, 104]),          # "sequence, name, id"
    ("", [103, 101, 102, 100, 105, 104]),
    ("amount desc", [102, 100, 103, 104, 105, 101]),
    ("date", [103, 100, 104, 101, 105, 102]),        # NULLS LAST ascending
    ("date desc", [102, 105, 101, 100, 104, 103]),   # NULLS FIRST descending
    ("date asc nulls first", [102, 103, 100, 104, 101, 105]),
    ("date desc nulls last", [105, 101, 100, 104, 103, 102]),
    ("name", [104, 100, 101, 103, 102, 105]),        # byte order (C collation)
    ('"name" desc', [105, 102, 103, 101, 100, 104]),
    ("partner_id", [105, 100, 101, 103, 104, 102]),  # by the partner's "name, id"
    ("partner_id desc", [102, 104, 103, 101, 100, 105]),
    ("partner_id nulls first", [102, 105, 100, 101, 103, 104]),
    ("stage_id", [100, 103, 102, 101, 105, 104]),    # by the stage's "sequence, id"
    ("stage_id desc, id desc", [104, 105, 101, 102, 103, 100]),
    ("person_id", [100, 104, 101, 103, 102, 105]),   # comodel ordered by id
    ("done desc, id desc", [104, 100, 105, 103, 102, 101]),
    ("priority desc, name", [103, 102, 104, 100, 101, 105]),
    ("sequence,amount DESC", [103, 102, 101, 100, 105, 104]),
    ("id desc", [105, 104, 103, 102, 101, 100]),
    ("tag_ids, id desc", [105, 104, 103, 102, 101, 100]),  # x2many: ignored
])
def test_sort_records(orders, order, expected):
    assert sort_records(orders, order, [104, 102, 100, 105, 101, 103]) == expected


def test_sort_is_stable_with_id_tiebreak(orders):
    assert sort_records(orders, "done", [105, 100, 103, 101]) == [101, 103, 105, 100]
    assert sort_records(orders, "amount", [104, 103]) == [103, 104]


def test_sort_errors(orders):
    with pytest.raises(DomainError) as exc:
        sort_records(orders, "nope desc", ALL)
    assert str(exc.value) == "Invalid field 'nope' on model 'fsm.order'"
    with pytest.raises(DomainError) as exc:
        sort_records(orders, "name; drop table x", ALL)
    assert str(exc.value).startswith('Invalid "order" specified (name; drop table x).')
    assert exc.value.odoo_exception == "odoo.exceptions.UserError"
    with pytest.raises(DomainError):
        sort_records(orders, "name,", ALL)


# ------------------------------------------------------------------------------------------
# a combined domain over a larger set (its speed is measured by bench/emulator.py)
# ------------------------------------------------------------------------------------------

def test_combined_domain_over_120_records():
    data = {k: dict(v) for k, v in DATA.items()}
    data["fsm.order"] = {
        1000 + i: {"name": f"WO-{i:03d}", "priority": str(i % 3), "sequence": i % 7,
                       "amount": float(i), "done": bool(i % 2), "date": f"2024-03-{1 + i % 28:02d}",
                       "scheduled": f"2024-03-{1 + i % 28:02d} 10:00:00",
                       "partner_id": 1 + i % 6, "person_id": 20 + i % 3, "stage_id": 30 + i % 3,
                       "tag_ids": [1 + i % 3]}
        for i in range(120)
    }
    model = FakeEnv(data)["fsm.order"]
    ids = model.search_all_ids()
    domain = ["|", ("stage_id", "in", [30, 31]), ("done", "=", True),
              ("name", "ilike", "wo-0"), ("amount", ">=", 10), ("date", "<", "2024-03-20"),
              ("partner_id", "!=", False)]
    expected = [i for i in ids
                if (data["fsm.order"][i]["stage_id"] in (30, 31) or data["fsm.order"][i]["done"])
                and data["fsm.order"][i]["amount"] >= 10
                and data["fsm.order"][i]["date"] < "2024-03-20"
                and data["fsm.order"][i]["name"].lower().find("wo-0") >= 0]
    assert filter_records(model, domain, ids) == expected
