"""Odoo's domain language and record ordering, evaluated in Python.

Follows ``odoo/osv/expression.py`` (Odoo 15-18) and ``odoo/orm/domains.py`` (19) as
closely as an in-memory store allows, with PostgreSQL semantics for NULL (``False``):

* ``normalize_domain(domain)``: Odoo's function (implicit '&', arity check).
* ``filter_records(model, domain, ids)``: the ids among ``ids`` matching ``domain``.
* ``sort_records(model, order, ids)``: ``ids`` sorted like ``ORDER BY`` would.

A domain is compiled once into a tree of Python closures, then run per record.

Errors: every malformed domain raises :class:`DomainError` (a ``ValueError``) whose
``str()`` is the message the emulated Odoo version gives (``version`` keyword, else
``model.odoo_version`` / ``model.version``, else 17), and whose ``odoo_exception`` is the
class name Odoo reports (``builtins.ValueError``, ``builtins.IndexError``...).
"""
import re
from datetime import date, datetime, time

__all__ = ["DomainError", "normalize_domain", "filter_records", "sort_records",
           "TRUE_LEAF", "FALSE_LEAF", "TRUE_DOMAIN", "FALSE_DOMAIN"]

NOT_OPERATOR, OR_OPERATOR, AND_OPERATOR = "!", "|", "&"
DOMAIN_OPERATORS = (NOT_OPERATOR, OR_OPERATOR, AND_OPERATOR)
TERM_OPERATORS_16 = ("=", "!=", "<=", "<", ">", ">=", "=?", "=like", "=ilike", "like",
                     "not like", "ilike", "not ilike", "in", "not in", "child_of",
                     "parent_of")
TERM_OPERATORS_17 = TERM_OPERATORS_16 + ("any", "not any")
# Odoo 19 CONDITION_OPERATORS (standard ones plus those rewritten by optimizations)
CONDITION_OPERATORS_19 = frozenset(TERM_OPERATORS_17 + (
    "not =like", "not =ilike", "<>", "==", "any!", "not any!"))
NEGATIVE_TERM_OPERATORS = ("!=", "not like", "not ilike", "not in", "not =like",
                           "not =ilike")
TERM_OPERATORS_NEGATION = {
    "<": ">=", ">": "<=", "<=": ">", ">=": "<", "=": "!=", "!=": "=",
    "in": "not in", "not in": "in", "like": "not like", "not like": "like",
    "ilike": "not ilike", "not ilike": "ilike", "any": "not any", "not any": "any",
}
TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)
TRUE_DOMAIN = [TRUE_LEAF]
FALSE_DOMAIN = [FALSE_LEAF]
DEFAULT_VERSION = 17

RELATIONAL = ("many2one", "one2many", "many2many")
X2MANY = ("one2many", "many2many")
_NUMERIC = ("integer", "float", "monetary")
_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class DomainError(ValueError):
    """A malformed domain or order. ``str(exc)`` is Odoo's message for the version."""

    def __init__(self, message, odoo_exception="builtins.ValueError"):
        super().__init__(message)
        self.odoo_exception = odoo_exception


def _version(model, version):
    if version is None:
        version = getattr(model, "odoo_version", None)
        if version is None:
            version = getattr(model, "version", None)
    try:
        return int(version) if version is not None else DEFAULT_VERSION
    except (TypeError, ValueError):
        return DEFAULT_VERSION


def _is_operator(token):
    return isinstance(token, str) and token in DOMAIN_OPERATORS


def _is_bool_leaf(item):
    try:
        return tuple(item) in (TRUE_LEAF, FALSE_LEAF)
    except TypeError:
        return False


# ------------------------------------------------------------------------------------------
# normalize_domain
# ------------------------------------------------------------------------------------------

def normalize_domain(domain, version=None):
    """Odoo's ``expression.normalize_domain``: explicit '&', leaves as tuples.

    ``[]`` -> ``[TRUE_LEAF]``. Raises DomainError when operators lack operands.
    """
    if not isinstance(domain, (list, tuple)):
        raise DomainError("Domains to normalize must have a 'domain' form: a list or tuple "
                          "of domain components", "builtins.AssertionError")
    if not domain:
        return [TRUE_LEAF]
    result = []
    expected = 1
    op_arity = {NOT_OPERATOR: 1, AND_OPERATOR: 2, OR_OPERATOR: 2}
    for token in domain:
        if expected == 0:
            result[0:0] = [AND_OPERATOR]
            expected = 1
        if isinstance(token, (list, tuple)):
            expected -= 1
            if len(token) == 3 and token[1] in ("any", "not any") \
                    and isinstance(token[2], (list, tuple)):
                token = (token[0], token[1], normalize_domain(token[2], version))
            else:
                token = tuple(token)
        else:
            expected += op_arity.get(token, 0) - 1
        result.append(token)
    if expected:
        v = version if version is not None else DEFAULT_VERSION
        if v <= 16:
            raise DomainError(f"This domain is syntactically not correct: {domain}",
                              "builtins.AssertionError")
        raise DomainError(f"Domain {domain} is syntactically not correct.")
    return result


# ------------------------------------------------------------------------------------------
# validation, emulating each version's error precedence and messages
# ------------------------------------------------------------------------------------------

def _field_info(model, fname):
    info = model.field_info(fname) if isinstance(fname, str) else None
    if info is None:
        if fname == "id":
            return {"type": "id"}
        if fname == "display_name":
            return {"type": "display_name"}
        return None
    if fname == "id":
        return {"type": "id"}
    return info


def _is_leaf(element, operators):
    if not isinstance(element, (list, tuple)) or len(element) != 3:
        return False
    try:
        op_ok = element[1] in operators or element[1] == "<>"
    except TypeError:
        op_ok = False
    return op_ok and ((isinstance(element[0], str) and bool(element[0]))
                      or _is_bool_leaf(element))


def _normalize_leaf(left, op, right, version):
    """Odoo's normalize_leaf (plus the 19 rules for lower-case and empty collections)."""
    if version >= 19:
        op = op.lower()
        if op == "==":
            op = "="
        if right is None:
            right = False
    if op == "<>":
        op = "!="
    if isinstance(right, bool) and op in ("in", "not in"):
        op = "=" if op == "in" else "!="
    if isinstance(right, (list, tuple, set, frozenset)) and op in ("=", "!="):
        op = "in" if op == "=" else "not in"
        if version >= 19 and not right:
            right = [False]
    if version >= 19 and op in ("in", "not in") and not isinstance(
            right, (list, tuple, set, frozenset)):
        right = [right]
    return left, op, right


def _check_16(model, domain, version):
    norm = normalize_domain(domain, version)
    leaves = []
    for token in norm:
        if _is_operator(token):
            continue
        if not _is_leaf(token, TERM_OPERATORS_16):
            raise DomainError(f"Invalid leaf {token}")
        leaves.append(token)
    # parse() pops leaves from the end of the expression
    for leaf in reversed(leaves):
        _check_fields_16(model, leaf, version)


def _check_fields_16(model, leaf, version):
    if _is_bool_leaf(leaf):
        return
    leaf = _normalize_leaf(*leaf, version)
    left, op, right = leaf
    path = left.split(".", 1)
    info = _field_info(model, path[0])
    if info is None:
        raise DomainError(f"Invalid field {model._name}.{path[0]} in leaf {leaf}")
    if len(path) > 1:
        if info["type"] in RELATIONAL:
            _check_fields_16(model.comodel(info["relation"]), (path[1], op, right), version)
        else:
            raise DomainError(f"Invalid field {left!r} in domain term {leaf!r}",
                              "builtins.AssertionError")


def _check_17(model, domain, version):
    if not isinstance(domain, (list, tuple)):
        raise DomainError(f"'{type(domain).__name__}' object is not iterable",
                          "builtins.TypeError")
    _anyfy_check_17(model, domain)
    _arity_check_17(domain)
    _leaf_check_17(model, domain)


def _anyfy_check_17(model, domain):
    for item in domain:
        if _is_operator(item):
            continue
        try:
            t = tuple(item)
        except TypeError:
            raise DomainError(f"'{type(item).__name__}' object is not iterable",
                              "builtins.TypeError") from None
        if len(t) < 3:
            raise DomainError(f"not enough values to unpack (expected 3, got {len(t)})")
        if len(t) > 3:
            raise DomainError("too many values to unpack (expected 3)")
        if t in (TRUE_LEAF, FALSE_LEAF):
            continue
        left, op, right = t
        if not isinstance(left, str):
            raise DomainError(f"'{type(left).__name__}' object has no attribute 'split'",
                              "builtins.AttributeError")
        path = left.split(".", 1)
        info = _field_info(model, path[0])
        if info is None:
            raise DomainError(f"Invalid field {model._name}.{path[0]} in leaf {t}")
        if len(path) > 1 and info["type"] in RELATIONAL:
            _anyfy_check_17(model.comodel(info["relation"]), [(path[1], op, right)])
        elif op in ("any", "not any"):
            if info["type"] not in RELATIONAL:
                raise DomainError(f"Invalid leaf {t}")
            if not isinstance(right, (list, tuple)):
                raise DomainError(f"Invalid leaf {t}")
            _anyfy_check_17(model.comodel(info["relation"]), right)
        elif len(path) > 1:
            raise DomainError(f"Invalid field {left!r} in domain term {t!r}",
                              "builtins.AssertionError")


def _arity_check_17(domain):
    count = 0
    for item in reversed(domain):
        if item == NOT_OPERATOR:
            need = 1
        elif item in (AND_OPERATOR, OR_OPERATOR):
            need = 2
        else:
            t = tuple(item)
            if t[1] in ("any", "not any") and not _is_bool_leaf(t):
                _arity_check_17(t[2])
            count += 1
            continue
        if count < need:
            raise DomainError("pop from empty list", "builtins.IndexError")
        count -= need - 1


def _leaf_check_17(model, domain):
    for item in domain:
        if _is_operator(item):
            continue
        t = tuple(item)
        if t in (TRUE_LEAF, FALSE_LEAF):
            continue
        left, op, right = t
        path = left.split(".", 1)
        info = _field_info(model, path[0])
        if len(path) > 1 and info["type"] in RELATIONAL:
            _leaf_check_17(model.comodel(info["relation"]), [(path[1], op, right)])
            continue
        if not _is_leaf(t, TERM_OPERATORS_17):
            raise DomainError(f"Invalid leaf {t}")
        if op in ("any", "not any"):
            _leaf_check_17(model.comodel(info["relation"]), right)


def _check_19(model, domain, version):
    if domain is True or domain is False:
        return
    if not isinstance(domain, (list, tuple)):
        raise DomainError(f"Domain() invalid argument type for domain: {domain!r}",
                          "builtins.TypeError")
    count = 0
    for item in reversed(domain):
        if isinstance(item, (list, tuple)) and len(item) == 3:
            field_expr, op, value = item
            if isinstance(field_expr, str):
                if not field_expr:
                    raise DomainError(f"Empty field name in condition {(field_expr, op, value)!r}",
                                      "builtins.TypeError")
                if not isinstance(op, str):
                    raise DomainError(f"'{type(op).__name__}' object has no attribute 'lower'",
                                      "builtins.AttributeError")
                if op.lower() not in CONDITION_OPERATORS_19:
                    raise DomainError("Invalid operator in condition "
                                      f"{(field_expr, op.lower(), value)!r}")
            elif not _is_bool_leaf(item):
                raise DomainError(f"Domain() invalid arguments: {tuple(item)!r}",
                                  "builtins.TypeError")
            count += 1
        elif isinstance(item, str) and item in (AND_OPERATOR, OR_OPERATOR):
            if count < 2:
                raise DomainError(f"Domain() malformed domain {domain!r}")
            count -= 1
        elif isinstance(item, str) and item == NOT_OPERATOR:
            if count < 1:
                raise DomainError(f"Domain() malformed domain {domain!r}")
        else:
            raise DomainError(f"Domain() invalid item in domain: {item!r}")
    _fields_check_19(model, domain)


def _fields_check_19(model, domain):
    for item in domain:
        if not isinstance(item, (list, tuple)) or _is_bool_leaf(item):
            continue
        field_expr, op, value = item
        op = op.lower()
        if value is None:
            value = False
        fname, *rest = field_expr.split(".", 1)
        info = _field_info(model, fname)
        if info is None:
            raise DomainError(f"Invalid field {model._name}.{fname} in condition "
                              f"{(field_expr, op, value)!r}")
        if rest and info["type"] in RELATIONAL:
            _fields_check_19(model.comodel(info["relation"]), [(rest[0], op, value)])
        elif rest:
            raise DomainError(f"Invalid field {model._name}.{field_expr} in condition "
                              f"{(field_expr, op, value)!r}")
        elif op in ("any", "not any", "any!", "not any!"):
            if info["type"] not in RELATIONAL or not isinstance(value, (list, tuple)):
                raise DomainError(f"Invalid operator in condition {(field_expr, op, value)!r}")
            _check_19(model.comodel(info["relation"]), value, 19)


def _validate(model, domain, version):
    if version <= 16:
        _check_16(model, domain, version)
    elif version <= 18:
        _check_17(model, domain, version)
    else:
        _check_19(model, domain, version)


# ------------------------------------------------------------------------------------------
# domain -> tree (nodes are tuples)
#   ("const", bool) | ("and", [nodes]) | ("or", [nodes]) | ("not", node)
#   ("leaf", model, left, op, right) | ("any", model, fname, "any"|"not any", subtree)
# ------------------------------------------------------------------------------------------

def _parse(model, domain):
    if domain is True:
        return ("const", True)
    if domain is False:
        return ("const", False)
    stack = []
    for item in reversed(domain):
        if item == NOT_OPERATOR:
            stack.append(("not", stack.pop()))
        elif item == AND_OPERATOR:
            stack.append(("and", [stack.pop(), stack.pop()]))
        elif item == OR_OPERATOR:
            stack.append(("or", [stack.pop(), stack.pop()]))
        else:
            t = tuple(item)
            if t == TRUE_LEAF:
                stack.append(("const", True))
            elif t == FALSE_LEAF:
                stack.append(("const", False))
            else:
                stack.append(("leaf", model, t[0], t[1], t[2]))
    if not stack:
        return ("const", True)
    if len(stack) == 1:
        return stack[0]
    return ("and", list(reversed(stack)))


def _push_not(node, version, negate=False):
    kind = node[0]
    if kind == "const":
        return ("const", node[1] != negate)
    if kind in ("and", "or"):
        if negate:
            kind = "or" if kind == "and" else "and"
        return (kind, [_push_not(c, version, negate) for c in node[1]])
    if kind == "not":
        return _push_not(node[1], version, not negate)
    if kind == "any":
        if not negate:
            return node
        return ("any", node[1], node[2], TERM_OPERATORS_NEGATION[node[3]], node[4])
    # leaf
    if not negate:
        return node
    _, model, left, op, right = node
    neg = TERM_OPERATORS_NEGATION.get(op)
    if neg is None:
        return ("not", node)
    if version >= 19 and op in ("<", ">", "<=", ">=") and "." not in left:
        info = _field_info(model, left)
        if info["type"] not in ("integer", "float", "monetary", "boolean", "id"):
            # Odoo 19 DomainCondition._negate: "or field is null" (no falsy value)
            return ("or", [("leaf", model, left, neg, right),
                           ("leaf", model, left, "=", False)])
    return ("leaf", model, left, neg, right)


def _prepare(model, domain, version):
    """Parse, normalize leaves, expand paths into 'any' and push negations down."""
    tree = _parse(model, domain)
    tree = _map_leaves(tree, lambda n: ("leaf", n[1], *_normalize_leaf(n[2], n[3], n[4],
                                                                       version)))
    if version <= 16:
        # distribute_not() runs on the raw leaves, paths are resolved afterwards
        return _anyfy(_push_not(tree, version), version)
    # _anyfy_leaves() runs first, so '!' on a path leaf becomes 'not any'
    return _push_not(_anyfy(tree, version), version)


def _map_leaves(node, fn):
    kind = node[0]
    if kind in ("and", "or"):
        return (kind, [_map_leaves(c, fn) for c in node[1]])
    if kind == "not":
        return ("not", _map_leaves(node[1], fn))
    if kind == "leaf":
        return fn(node)
    return node


def _anyfy(node, version):
    def convert(leaf):
        _, model, left, op, right = leaf
        path = left.split(".", 1)
        if len(path) > 1:
            info = _field_info(model, path[0])
            comodel = model.comodel(info["relation"])
            sub = ("leaf", comodel, path[1], op, right)
            return ("any", model, path[0], "any", _anyfy(sub, version))
        if op in ("any", "not any", "any!", "not any!"):
            info = _field_info(model, left)
            comodel = model.comodel(info["relation"])
            return ("any", model, left, op.rstrip("!"), _prepare(comodel, right, version))
        return leaf
    return _map_leaves(node, convert)


# ------------------------------------------------------------------------------------------
# value helpers (PostgreSQL semantics)
# ------------------------------------------------------------------------------------------

def _isnull(v):
    return v is None or v is False


def _to_text(value):
    if value is None or value is False:
        return ""
    if isinstance(value, bytes):
        return value.decode()
    return str(value)


def _to_date_str(value):
    if _isnull(value) or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return datetime.strptime(value[:10], "%Y-%m-%d").date().isoformat()
        except ValueError as exc:
            raise DomainError(str(exc)) from None
    raise DomainError(f"Invalid date value {value!r}")


def _to_datetime_str(value):
    if _isnull(value) or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0).strftime(_DATETIME_FORMAT)
    if isinstance(value, date):
        return datetime.combine(value, time.min).strftime(_DATETIME_FORMAT)
    if isinstance(value, str):
        value = value.replace("T", " ")
        try:
            return datetime.strptime(value[:19], _DATETIME_FORMAT[:len(value[:19]) - 2]) \
                .strftime(_DATETIME_FORMAT)
        except ValueError as exc:
            raise DomainError(str(exc)) from None
    raise DomainError(f"Invalid datetime value {value!r}")


def _convert(ftype, value):
    """Field.convert_to_column for a domain operand; None means SQL NULL."""
    try:
        if ftype in ("integer", "id"):
            return int(value or 0)
        if ftype in ("float", "monetary"):
            return float(value or 0.0)
        if ftype == "boolean":
            return bool(value)
        if ftype == "date":
            return _to_date_str(value)
        if ftype == "datetime":
            return _to_datetime_str(value)
        if ftype == "many2one":
            return value or None
        if _isnull(value):
            return None
        if ftype in ("char", "text", "html", "display_name"):
            return _to_text(value)
        return value
    except (TypeError, ValueError) as exc:
        if isinstance(exc, DomainError):
            raise
        raise DomainError(str(exc)) from None


def _norm_raw(ftype, v):
    """A stored value as compared by SQL; None is NULL."""
    if ftype == "boolean":
        return bool(v)
    if _isnull(v):
        return None
    if ftype == "date" and not isinstance(v, str):
        return _to_date_str(v)
    if ftype == "datetime" and not isinstance(v, str):
        return _to_datetime_str(v)
    return v


def _as_text(ftype, v):
    """``column::text`` in PostgreSQL."""
    if ftype == "boolean":
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return _to_text(v)


_LIKE_CACHE = {}


def _like_regex(pattern, insensitive):
    key = (pattern, insensitive)
    rx = _LIKE_CACHE.get(key)
    if rx is None:
        out, i = [], 0
        while i < len(pattern):
            c = pattern[i]
            if c == "\\" and i + 1 < len(pattern):
                out.append(re.escape(pattern[i + 1]))
                i += 2
                continue
            out.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
            i += 1
        flags = re.DOTALL | (re.IGNORECASE if insensitive else 0)
        rx = re.compile("".join(out) + r"\Z", flags)
        if len(_LIKE_CACHE) > 2048:
            _LIKE_CACHE.clear()
        _LIKE_CACHE[key] = rx
    return rx


_COMPARE = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _as_id_list(v):
    if isinstance(v, (list, tuple, set, frozenset)):
        return v
    return () if _isnull(v) else (v,)


# ------------------------------------------------------------------------------------------
# compilation
# ------------------------------------------------------------------------------------------

_TRUE = (lambda r: True, None)
_FALSE = (lambda r: False, None)


class _Compiler:
    def __init__(self, version):
        self.version = version
        self._all_ids = {}

    # -- helpers on models ----------------------------------------------------------------
    def all_ids(self, model, active_test):
        key = (model._name, bool(active_test))
        ids = self._all_ids.get(key)
        if ids is None:
            ids = self._all_ids[key] = list(model.search_all_ids(active_test=active_test))
        return ids

    def search(self, model, tree, active_test=True):
        pred = self.compile(tree)[0]
        return {r for r in self.all_ids(model, active_test) if pred(r)}

    def name_search(self, model, name, operator, active_test=True):
        """``_name_search``: ids whose display name matches (name, operator)."""
        if name == "" and operator in ("like", "ilike"):
            return set(self.all_ids(model, active_test))
        left, op, right = _normalize_leaf("display_name", operator, name, self.version)
        pred = self._column(model, "display_name", {"type": "display_name"}, op, right)[0]
        return {r for r in self.all_ids(model, active_test) if pred(r)}

    def to_ids(self, value, comodel):
        if isinstance(value, str):
            return list(self.name_search(comodel, value, "ilike"))
        if value and isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return list({r for name in value for r in self.name_search(comodel, name, "ilike")})
        if isinstance(value, int):
            return [value] if value else []
        if _isnull(value):
            return []
        return list(value)

    def _parent_field(self, model, parent=None):
        pname = parent or model.parent_name or "parent_id"
        info = _field_info(model, pname)
        if info is None:
            raise DomainError(f"Invalid parent field: {model._name}.{pname}")
        return pname

    def child_ids(self, model, ids, parent=None):
        pname = self._parent_field(model, parent)
        children = {}
        for r in self.all_ids(model, False):
            for p in _as_id_list(model.raw_value(r, pname)):
                children.setdefault(p, []).append(r)
        result, todo = set(), list(ids)
        while todo:
            cur = todo.pop()
            if cur in result:
                continue
            result.add(cur)
            todo.extend(children.get(cur, ()))
        return result

    def parent_ids(self, model, ids, parent=None):
        pname = self._parent_field(model, parent)
        result, todo = set(), [i for i in ids if i]
        while todo:
            cur = todo.pop()
            if cur in result:
                continue
            result.add(cur)
            todo.extend(p for p in _as_id_list(model.raw_value(cur, pname)) if p)
        return result

    # -- tree ------------------------------------------------------------------------------
    def compile(self, node):
        """Return (predicate, is_null) where is_null(rec) tells SQL NULL for a leaf."""
        kind = node[0]
        if kind == "const":
            return _TRUE if node[1] else _FALSE
        if kind in ("and", "or"):
            preds = [self.compile(c)[0] for c in node[1]]
            if len(preds) == 1:
                return preds[0], None
            if len(preds) == 2:
                a, b = preds
                if kind == "and":
                    return (lambda r: a(r) and b(r)), None
                return (lambda r: a(r) or b(r)), None
            if kind == "and":
                return (lambda r: all(p(r) for p in preds)), None
            return (lambda r: any(p(r) for p in preds)), None
        if kind == "not":
            pred, isnull = self.compile(node[1])
            if isnull is None:
                return (lambda r: not pred(r)), None
            # SQL: NOT (NULL) is NULL, so a NULL column never matches
            return (lambda r: not isnull(r) and not pred(r)), None
        if kind == "any":
            return self._any(*node[1:])
        return self._leaf(*node[1:])

    def _any(self, model, fname, op, subtree):
        info = _field_info(model, fname)
        ftype = info["type"]
        if ftype in X2MANY:
            get = self._x2many_getter(model, fname, info)
        else:
            get = self._getter(model, fname, ftype)
        if ftype == "id":
            ids = self.search(model, subtree, active_test=True)
        else:
            comodel = model.comodel(info["relation"])
            # many2one: _search with active_test=False; x2many: with the field's context
            ids = self.search(comodel, subtree, active_test=ftype in X2MANY)
        if ftype in X2MANY:
            if op == "any":
                return (lambda r: any(i in ids for i in get(r) or ())), None
            return (lambda r: not any(i in ids for i in get(r) or ())), None
        if op == "any":
            return (lambda r: get(r) in ids), (lambda r: _isnull(get(r)))
        return (lambda r: _isnull(get(r)) or get(r) not in ids), None

    def _x2many_getter(self, model, fname, info):
        """Linked ids of an x2many; one2many via the inverse field on *all* comodel
        records (Odoo's subquery counts inactive lines too)."""
        inverse = info.get("relation_field")
        if info["type"] == "one2many" and inverse:
            comodel = model.comodel(info["relation"])
            lines = {}
            for cid in self.all_ids(comodel, False):
                parent = comodel.raw_value(cid, inverse)
                if not _isnull(parent):
                    lines.setdefault(parent, []).append(cid)
            return lambda r: lines.get(r, ())
        raw = model.raw_value
        return lambda r: raw(r, fname) or ()

    @staticmethod
    def _getter(model, fname, ftype):
        if ftype == "id":
            return lambda r: r
        if ftype == "display_name":
            return model.display_name_of
        raw = model.raw_value
        return lambda r: raw(r, fname)

    def _leaf(self, model, left, op, right):
        info = _field_info(model, left)
        ftype = info["type"]
        # A non-stored field with its own search method (Odoo's `search=`), such as
        # res.partner.phone_mobile_search: the model answers the matching ids.
        searcher = getattr(model, "_search_" + left, None) if isinstance(left, str) else None
        if searcher is not None and not info.get("store", True):
            ids = set(searcher(op, right))
            return (lambda r: r in ids), None
        get = self._getter(model, left, ftype)

        if op in ("child_of", "parent_of"):
            return self._hierarchy(model, left, info, op, right, get)

        if ftype == "many2one":
            if isinstance(right, str) or (isinstance(right, (list, tuple)) and right
                                          and all(isinstance(x, str) for x in right)):
                comodel = model.comodel(info["relation"])
                if op in ("<", ">", "<=", ">="):
                    op = "in"
                right = list(right) if isinstance(right, tuple) else right
                if not isinstance(right, list) and op in ("in", "not in"):
                    op = "=" if op == "in" else "!="
                elif isinstance(right, list) and op in ("=", "!="):
                    op = "in" if op == "=" else "not in"
                ids = self.name_search(comodel, right, op, active_test=False)
                if op in NEGATIVE_TERM_OPERATORS:
                    return (lambda r: _isnull(get(r)) or get(r) in ids), None
                return (lambda r: get(r) in ids), (lambda r: _isnull(get(r)))
            return self._column(model, left, info, op, right)

        if ftype in X2MANY:
            return self._x2many(model, info, op, right, self._x2many_getter(model, left, info))

        if ftype == "datetime" and right and op not in ("in", "not in"):
            if isinstance(right, str) and len(right) == 10:
                right += " 23:59:59" if op in (">", "<=") else " 00:00:00"
            elif isinstance(right, date) and not isinstance(right, datetime):
                right = datetime.combine(right, time.max if op in (">", "<=") else time.min)
        return self._column(model, left, info, op, right)

    def _hierarchy(self, model, left, info, op, right, get):
        ftype = info["type"]
        if ftype == "id":
            ids2 = self.to_ids(right, model)
            if not ids2:
                return _FALSE
            fn = self.child_ids if op == "child_of" else self.parent_ids
            ids = fn(model, ids2)
            return (lambda r: r in ids), None
        if ftype not in RELATIONAL:
            raise DomainError(f"Invalid domain term {(left, op, right)!r}",
                              "builtins.KeyError")
        comodel = model.comodel(info["relation"])
        ids2 = self.to_ids(right, comodel)
        fn = self.child_ids if op == "child_of" else self.parent_ids
        if op == "parent_of":
            ids2 = [i for i in ids2 if i]
        if not ids2:
            return _FALSE
        if ftype == "many2many":
            ids = set(self.all_ids(comodel, True)) & fn(comodel, ids2)
            if comodel._name == model._name:
                return (lambda r: r in ids), None
            return (lambda r: any(i in ids for i in get(r) or ())), None
        if comodel._name == model._name:
            # the field itself is the parent field
            ids = fn(model, ids2, parent=left)
            return (lambda r: r in ids), None
        ids = fn(comodel, ids2)
        if ftype == "one2many":
            get = self._x2many_getter(model, left, info)
            return (lambda r: any(i in ids for i in get(r))), None
        return (lambda r: get(r) in ids), (lambda r: _isnull(get(r)))

    def _x2many(self, model, info, op, right, get):
        negative = op in NEGATIVE_TERM_OPERATORS
        if right is False:
            if negative:
                return (lambda r: bool(get(r))), None
            return (lambda r: not get(r)), None
        empty_too = False
        if isinstance(right, str):
            comodel = model.comodel(info["relation"])
            op2 = TERM_OPERATORS_NEGATION[op] if negative else op
            ids = self.name_search(comodel, right, op2, active_test=True)
        elif isinstance(right, (list, tuple, set, frozenset)):
            ids = {i for i in right if i}
            # Odoo 19: False in the collection means "or no record"
            empty_too = self.version >= 19 and any(_isnull(i) for i in right)
        else:
            ids = {right}

        def has(r):
            vals = get(r) or ()
            if empty_too and not vals:
                return True
            return any(i in ids for i in vals)

        if negative:
            return (lambda r: not has(r)), None
        return has, None

    def _column(self, model, left, info, op, right):
        """__leaf_to_sql for a plain column (also many2one ids, id, display_name)."""
        ftype = info["type"]
        get = self._getter(model, left, ftype)
        version = self.version

        def value(r):
            return _norm_raw(ftype, get(r))

        def isnull(r):
            return value(r) is None

        if op == "=?":
            if (right is False or right is None) or (version >= 19 and not right):
                return _TRUE
            op = "="

        if op in ("in", "not in"):
            if not isinstance(right, (list, tuple, set, frozenset)):
                raise DomainError(f"Invalid domain term {(left, op, right)!r}")
            right = list(right)
            if ftype == "boolean":
                params = {b for b in (True, False) if b in right}
                check_null = False in right
            else:
                params = {_convert(ftype, p) for p in right if not _isnull(p)}
                check_null = any(_isnull(p) for p in right)
            if ftype == "boolean":
                # a False boolean is indistinguishable from NULL here: both match False
                if op == "in":
                    return (lambda r: value(r) in params), None
                if check_null:
                    return (lambda r: value(r) and value(r) not in params), None
                return (lambda r: value(r) not in params), None
            if op == "in":
                if check_null:
                    return (lambda r: (lambda v: v is None or v in params)(value(r))), None
                return (lambda r: value(r) in params), isnull
            if check_null:
                return (lambda r: (lambda v: v is not None and v not in params)(value(r))), None
            return (lambda r: (lambda v: v is None or v not in params)(value(r))), None

        if ftype == "boolean" and op in ("=", "!=") and isinstance(right, bool):
            want = (not right) if op == "!=" else right
            if want:
                return (lambda r: bool(get(r))), None
            return (lambda r: not get(r)), None

        if op == "=" and (right is False or right is None):
            if ftype == "boolean":
                return (lambda r: not get(r)), None
            return isnull, None
        if op == "!=" and (right is False or right is None):
            if ftype == "boolean":
                return (lambda r: bool(get(r))), None
            return (lambda r: not isnull(r)), None

        need_wildcard = op in ("like", "ilike", "not like", "not ilike")
        or_null = (need_wildcard and not right) or (bool(right) and op in NEGATIVE_TERM_OPERATORS)

        if op.endswith("like"):
            if need_wildcard:
                pattern = "%" + _to_text(right) + "%"
            else:  # =like / =ilike: the operand is the pattern itself
                pattern = None if _isnull(right) else _to_text(right)
            if pattern is None:
                base = lambda r: False  # noqa: E731  (like NULL)
            else:
                rx = _like_regex(pattern, "ilike" in op)
                positive = not op.startswith("not ")

                def base(r, rx=rx, positive=positive):
                    v = value(r)
                    if v is None:
                        return False
                    return bool(rx.match(_as_text(ftype, v))) == positive
        else:
            rv = _convert(ftype, right)
            cmp = _COMPARE.get(op)
            if cmp is None:
                raise DomainError(f"Invalid domain term {(left, op, right)!r}")
            if rv is None:
                base = lambda r: False  # noqa: E731  (compare with NULL)
            else:
                def base(r, cmp=cmp, rv=rv):
                    v = value(r)
                    if v is None:
                        return False
                    try:
                        return cmp(v, rv)
                    except TypeError:
                        return cmp(str(v), str(rv))
        if or_null:
            return (lambda r: isnull(r) or base(r)), None
        return base, isnull


def compile_domain(model, domain, version=None):
    """Validate and compile ``domain`` into a predicate ``rec_id -> bool``."""
    version = _version(model, version)
    if domain is None:
        domain = []
    _validate(model, domain, version)
    tree = _prepare(model, domain, version)
    return _Compiler(version).compile(tree)[0]


def filter_records(model, domain, ids, version=None):
    """The ids among ``ids`` matching ``domain``, in input order."""
    if not domain:
        if domain is not None and not isinstance(domain, (list, tuple, bool)):
            _validate(model, domain, _version(model, version))
        return list(ids) if domain is not False else []
    pred = compile_domain(model, domain, version)
    return [r for r in ids if pred(r)]


# ------------------------------------------------------------------------------------------
# ordering
# ------------------------------------------------------------------------------------------

regex_order = re.compile(r"""
    ^(\s*
        (?P<term>((?P<field>[a-z0-9_]+|"[a-z0-9_]+")(\.(?P<property>[a-z0-9_]+))?
                  (\s+(?P<direction>desc|asc))?(\s+(?P<nulls>nulls\ first|nulls\ last))?))
        \s*(,|$)
    )+(?<!,)$
""", re.IGNORECASE | re.VERBOSE)
regex_order_part = re.compile(r"""
    ^\s*(?P<field>[a-z0-9_]+|"[a-z0-9_]+")(\.(?P<property>[a-z0-9_]+))?
    (\s+(?P<direction>desc|asc))?(\s+(?P<nulls>nulls\ first|nulls\ last))?\s*$
""", re.IGNORECASE | re.VERBOSE)


def _order_terms(model, order, reverse, getter, seen):
    """Flatten ``order`` into [(getter, desc, nulls_first)] atomic terms."""
    if not regex_order.match(order):
        raise DomainError(
            f'Invalid "order" specified ({order}). A valid "order" specification is a '
            'comma-separated list of valid field names (optionally followed by asc/desc '
            'for the direction)', "odoo.exceptions.UserError")
    terms = []
    for part in order.split(","):
        m = regex_order_part.match(part)
        fname = m["field"].strip('"')
        desc = (m["direction"] or "").lower() == "desc"
        nulls = (m["nulls"] or "").lower()
        if reverse:
            desc = not desc
            nulls = {"nulls first": "nulls last", "nulls last": "nulls first"}.get(nulls, "")
        nulls_first = (nulls == "nulls first") if nulls else desc
        info = _field_info(model, fname)
        if info is None:
            raise DomainError(f"Invalid field {fname!r} on model {model._name!r}")
        ftype = info["type"]
        raw = _Compiler._getter(model, fname, ftype)
        if getter is None:
            get = raw
        else:
            def get(r, raw=raw, getter=getter):
                x = getter(r)
                return None if _isnull(x) else raw(x)
        if ftype in X2MANY:
            continue  # not a column: Odoo ignores it
        if ftype == "many2one":
            key = (model._name, fname)
            if key in seen:
                continue
            comodel = model.comodel(info["relation"])
            coorder = comodel.order_default or "id"
            if m["property"] == "id" or coorder.strip() == "id":
                terms.append((get, desc, nulls_first, "integer"))
                continue
            if nulls:
                first = nulls == "nulls first"
                terms.append((lambda r, get=get, first=first: _isnull(get(r)) != first,
                              False, False, "boolean"))
            if not regex_order.match(coorder):
                terms.append(((lambda r, get=get, c=comodel: None if _isnull(get(r))
                               else c.display_name_of(get(r))), desc, nulls_first, "char"))
                continue
            terms.extend(_order_terms(comodel, coorder, desc, get, seen | {key}))
            continue
        terms.append((get, desc, nulls_first, ftype))
    return terms


def sort_records(model, order, ids, version=None):
    """``ids`` sorted by ``order`` ("a desc, b, id"); None/"" -> model.order_default.

    NULL (False) sorts last ascending and first descending (PostgreSQL), booleans are
    COALESCE(x, false), many2one fields sort by the comodel's order; ``id`` breaks ties.
    """
    order = order or model.order_default or "id"
    terms = _order_terms(model, order, False, None, frozenset())
    result = sorted(ids)
    for get, desc, nulls_first, ftype in reversed(terms):
        if ftype == "boolean":
            def key(r, get=get):
                return (0, bool(get(r)))
        else:
            null_rank = (1 if nulls_first else -1) if desc else (-1 if nulls_first else 1)

            def key(r, get=get, ftype=ftype, null_rank=null_rank):
                v = get(r)
                if _isnull(v) or v is None:
                    return (null_rank, 0)
                if ftype in ("date", "datetime") and not isinstance(v, str):
                    v = _norm_raw(ftype, v)
                return (0, v)
        try:
            result.sort(key=key, reverse=desc)
        except TypeError:
            result.sort(key=lambda r, key=key: (key(r)[0], str(key(r)[1])), reverse=desc)
    return result
