"""TEMPORARY stand-in for domain.py until the real module lands (delete then)."""
import fnmatch


class DomainError(ValueError):
    pass


def normalize_domain(domain):
    if not domain:
        return []
    out, expected = [], 1
    for tok in domain:
        if expected == 0:
            out[0:0] = ["&"]
            expected = 1
        if isinstance(tok, (list, tuple)):
            if len(tok) != 3:
                raise DomainError(f"Invalid leaf {tuple(tok)!r}")
            expected -= 1
        elif tok in ("&", "|"):
            expected += 1
        elif tok == "!":
            pass
        else:
            raise DomainError(f"Invalid leaf {tok!r}")
        out.append(tok)
    return out


def _value(model, rid, path):
    parts = path.split(".")
    cur_model, cur = model, [rid]
    for i, p in enumerate(parts):
        info = cur_model.field_info(p)
        if info is None:
            raise DomainError(f"Invalid field {cur_model._name}.{p}")
        vals = [cur_model.raw_value(r, p) for r in cur]
        if i == len(parts) - 1:
            return vals, info
        nxt = []
        for v in vals:
            nxt.extend(v if isinstance(v, list) else ([v] if v else []))
        cur_model, cur = cur_model.comodel(info["relation"]), nxt
    return [], {}


def _match(v, op, value, info):
    if isinstance(v, list) and info.get("type") in ("one2many", "many2many"):
        if op in ("=", "in") and value in (False, []):
            return not v
        return any(_match(x, op, value, {}) for x in v) if v else (op in ("!=", "not in"))
    if op == "=":
        return v == value or (value is False and v in (False, None, ""))
    if op == "!=":
        return not _match(v, "=", value, info)
    if op == "in":
        return v in value or (False in value and not v)
    if op == "not in":
        return not _match(v, "in", value, info)
    if op in ("like", "ilike", "not like", "not ilike", "=like", "=ilike"):
        if v is False or v is None:
            return op.startswith("not")
        s, pat = str(v), str(value)
        if "i" in op:
            s, pat = s.lower(), pat.lower()
        if op.startswith("="):
            return fnmatch.fnmatchcase(s, pat.replace("%", "*").replace("_", "?"))
        res = pat.replace("%", "") in s
        return not res if op.startswith("not") else res
    if v is False or v is None:
        return False
    try:
        return {"<": v < value, "<=": v <= value, ">": v > value, ">=": v >= value}[op]
    except (KeyError, TypeError):
        raise DomainError(f"Invalid operator {op!r}")


def filter_records(model, domain, ids):
    dom = normalize_domain(domain)
    out = []
    for rid in ids:
        pos = [0]

        def ev():
            tok = dom[pos[0]]
            pos[0] += 1
            if tok == "!":
                return not ev()
            if tok == "&":
                a = ev(); b = ev()
                return a and b
            if tok == "|":
                a = ev(); b = ev()
                return a or b
            f, op, val = tok
            if f in (0, 1) or f is True:
                return bool(f == val) if op == "=" else True
            op = op.lower() if isinstance(op, str) else op
            if op == "=?":
                if val in (False, None):
                    return True
                op = "="
            vals, info = _value(model, rid, f)
            return any(_match(v, op, val, info) for v in vals) if vals else False
        if not dom or ev():
            out.append(rid)
    return out


def sort_records(model, order, ids):
    order = order or model.order_default or "id"
    ids = list(ids)
    for part in reversed([p.strip() for p in order.split(",") if p.strip()]):
        bits = part.split()
        f = bits[0]
        desc = len(bits) > 1 and bits[1].lower() == "desc"
        info = model.field_info(f) or {}

        def key(r, f=f, info=info):
            v = model.raw_value(r, f)
            if info.get("type") == "many2one" and v:
                co = model.comodel(info["relation"])
                v = co.display_name_of(v)
            if v is False or v is None:
                return (1, "")
            return (0, v)
        ids.sort(key=key, reverse=desc)
    return ids
