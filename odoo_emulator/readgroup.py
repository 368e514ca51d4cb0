"""read_group as Odoo answers it: `<gb>_count` (lazy) or `__count`, `__domain`, `__fold`,
`__range` for date groupings, many2one group expansion (fsm/crm stages)."""

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def _and(*domains):
    parts = [list(d) for d in domains if d]
    if not parts:
        return []
    norm = []
    for d in parts:
        from .orm import domain_lib
        norm.append(domain_lib.normalize_domain(d))
    out = ["&"] * (len(norm) - 1)
    for d in norm:
        out.extend(d)
    return out


def _tz(model):
    name = model.env.context.get("tz") or "UTC"
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):  # an unknown or malformed zone name: UTC
        return ZoneInfo("UTC")


def _date_bucket(value, gran, is_datetime, tz):
    """(label, from_str, to_str) of the bucket holding value."""
    if is_datetime:
        utc = dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
        local = utc.astimezone(tz)
        d = local.date()
    else:
        d = dt.date.fromisoformat(value[:10])
    if gran == "day":
        start, end = d, d + dt.timedelta(days=1)
        label = f"{d.day:02d} {MONTHS[d.month - 1][:3]} {d.year}"
    elif gran == "week":
        start = d - dt.timedelta(days=d.weekday())
        end = start + dt.timedelta(days=7)
        iso = start.isocalendar()
        label = f"W{iso[1]} {iso[0]}"
    elif gran == "quarter":
        q = (d.month - 1) // 3
        start = dt.date(d.year, q * 3 + 1, 1)
        end = dt.date(d.year + (q == 3), (q * 3 + 3) % 12 + 1, 1)
        label = f"Q{q + 1} {d.year}"
    elif gran == "year":
        start, end = dt.date(d.year, 1, 1), dt.date(d.year + 1, 1, 1)
        label = str(d.year)
    else:  # month
        start = dt.date(d.year, d.month, 1)
        end = start + dt.timedelta(days=calendar.monthrange(d.year, d.month)[1])
        label = f"{MONTHS[d.month - 1]} {d.year}"
    if is_datetime:
        def to_utc(day):
            local = dt.datetime(day.year, day.month, day.day, tzinfo=tz)
            return local.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        return label, to_utc(start), to_utc(end)
    return label, start.isoformat(), end.isoformat()


def read_group(model, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
    if isinstance(groupby, str):
        groupby = [groupby]
    groupby = list(groupby or [])
    ids = model._search(domain or [])
    gb_list = groupby[:1] if lazy and groupby else groupby
    specs = []
    for spec in gb_list:
        fname, _, gran = spec.partition(":")
        f = model.fields.get(fname)
        if f is None:
            raise ValueError(f"Invalid field {fname!r} on model {model._name!r}")
        if f.type in ("date", "datetime") and not gran:
            gran = "month"
        specs.append((spec, fname, gran, f))
    aggs = []
    for item in fields or []:
        name, _, func = item.partition(":")
        if "(" in func:
            func, _, src = func.partition("(")
            src = src.rstrip(")")
        else:
            src = name
        f = model.fields.get(src)
        if src in [s[1] for s in specs] or f is None or name == "__count":
            continue
        if not func:
            if f.type not in ("integer", "float", "monetary"):
                continue
            func = "sum"
        aggs.append((name, src, func))
    tz = _tz(model)
    groups = {}
    order = []
    for rid in ids:
        key, parts = [], []
        for _spec, fname, gran, f in specs:
            val = model.raw_value(rid, fname)
            if f.type in ("date", "datetime") and val:
                label, frm, to = _date_bucket(val, gran, f.type == "datetime", tz)
                key.append(frm)
                parts.append((label, frm, to))
            elif f.type == "many2many":
                val = tuple(val or [])
                key.append(val)
                parts.append(val)
            else:
                key.append(val if val is not None else False)
                parts.append(val)
        key = tuple(key)
        if key not in groups:
            groups[key] = {"parts": parts, "ids": []}
            order.append(key)
        groups[key]["ids"].append(rid)
    # group expansion: list empty stages too (fsm.order / crm.lead stage_id)
    if specs and len(specs) == 1 and specs[0][3].type == "many2one" and \
            specs[0][1] in getattr(model, "_group_expand", ()):
        comodel = model.env.sudo()[specs[0][3].relation]
        for sid in model._group_expand_ids(specs[0][1]):
            if (sid,) not in groups:
                groups[(sid,)] = {"parts": [sid], "ids": []}
                order.append((sid,))
    # order groups
    if specs:
        spec, fname, gran, f = specs[0]
        if f.type == "many2one":
            comodel = model.env.sudo()[f.relation]
            ranked = model.env.state.sort_ids(comodel, None, [k[0] for k in order if k[0]])
            rank = {rid: i for i, rid in enumerate(ranked)}
            order.sort(key=lambda k: (k[0] is False, rank.get(k[0], 0)))
        else:
            order.sort(key=lambda k: (k[0] in (False, None), k[0] if k[0] not in (False, None)
                                      else ""))
        if orderby and "desc" in str(orderby).lower().split(",")[0]:
            order.reverse()
    result = []
    for key in order:
        g = groups[key]
        row = {}
        extra_domain = []
        ranges = {}
        for (spec, fname, _gran, f), part in zip(specs, g["parts"], strict=False):
            if f.type in ("date", "datetime") and part:
                label, frm, to = part
                row[spec] = label
                ranges[spec] = {"from": frm, "to": to}
                extra_domain += ["&", (fname, ">=", frm), (fname, "<", to)]
            elif f.type == "many2one":
                if part:
                    comodel = model.env.sudo()[f.relation]
                    row[spec] = [part, comodel.display_name_of(part)]
                else:
                    row[spec] = False
                extra_domain.append((fname, "=", part))
            elif f.type in ("date", "datetime"):
                row[spec] = False
                ranges[spec] = False
                extra_domain.append((fname, "=", False))
            else:
                row[spec] = list(part) if isinstance(part, tuple) else part
                extra_domain.append((fname, "=", row[spec] if not isinstance(part, tuple)
                                     else list(part)))
        count_key = f"{groupby[0]}_count" if lazy and groupby else "__count"
        if lazy and groupby:
            count_key = groupby[0].split(":")[0] + "_count"
        row[count_key] = len(g["ids"])
        for name, src, func in aggs:
            vals = [model.raw_value(rid, src) for rid in g["ids"]]
            if func == "sum":
                row[name] = sum(v or 0 for v in vals)
            elif func == "avg":
                row[name] = (sum(v or 0 for v in vals) / len(vals)) if vals else False
            elif func == "max":
                row[name] = max(vals) if vals else False
            elif func == "min":
                row[name] = min(vals) if vals else False
            elif func in ("count", "count_distinct"):
                row[name] = len(set(vals)) if func == "count_distinct" else len(vals)
            elif func == "bool_and":
                row[name] = all(vals)
            elif func == "bool_or":
                row[name] = any(vals)
            elif func == "array_agg":
                row[name] = vals
            else:
                raise ValueError(f"Invalid aggregation function {func!r}.")
            if isinstance(row[name], float):
                row[name] = round(row[name], 6)
        # tuples to lists, normalized extra leaves
        extra = [list(x) if isinstance(x, tuple) else x for x in extra_domain]
        row["__domain"] = _and(domain or [], extra) if extra else list(domain or [])
        if ranges:
            row["__range"] = ranges
        # odoo/models.py: `__fold` comes from the group expansion, done for lazy groupings
        # only; read_group(lazy=False) rows have none.
        if lazy and specs and specs[0][3].type == "many2one":
            comodel = model.env.sudo()[specs[0][3].relation]
            if "fold" in comodel.fields:
                part = g["parts"][0]
                row["__fold"] = bool(part and comodel.raw_value(part, "fold"))
        if lazy and len(groupby) > 1:
            row["__context"] = {"group_by": groupby[1:]}
        result.append(row)
    if offset:
        result = result[offset:]
    if limit:
        result = result[:limit]
    return result
