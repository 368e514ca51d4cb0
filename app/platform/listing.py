"""One way for every list page to read its filters, search, sort and page from the query string.

A section declares a :class:`ListSpec` once (its filter tabs, sortable columns, page size) and
turns ``request.args`` into a :class:`ListQuery` with :func:`parse_list_args`; bad values fall back
to the defaults with a message in ``query.errors`` (shown as a banner), never a 500. The query
gives the Odoo ``order``, ``offset`` and ``limit``; :func:`page_info` turns the total into what the
``_macros/lists.html`` macros show (``1–20 of 45``, previous/next). A link keeps the whole view.

    SPEC = ListSpec(filters=(Filter("mine", "My quotes"), Filter("all", "All")),
                    default_filter="mine", sorts={"date": "date_order", "ref": "name"},
                    default_sort=("date", "desc"))
    query = parse_list_args(request.args, SPEC)
    rows = odoo.search_read(model, domain, fields, limit=query.limit, offset=query.offset,
                            order=query.order())
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.platform.i18n import _, lazy_gettext

SEARCH_MAX = 100
MAX_PAGE = 10_000


@dataclass(frozen=True)
class Filter:
    """A filter tab: its key in the URL (``?filter=key``) and its label."""

    key: str
    label: str


@dataclass(frozen=True)
class ListSpec:
    """What a list offers: filter tabs, sortable columns (URL key → Odoo order), page size."""

    filters: tuple[Filter, ...] = ()
    default_filter: str = ""
    sorts: dict = field(default_factory=dict)
    default_sort: tuple[str, str] = ("", "asc")
    page_size: int = 20
    search_label: str = lazy_gettext("Search")

    def filter_keys(self):
        return [f.key for f in self.filters]


@dataclass(frozen=True)
class ListQuery:
    """The view a user asked for, checked: ``filter``, ``q``, ``sort``, ``direction``, ``page``."""

    spec: ListSpec
    filter: str = ""
    q: str = ""
    sort: str = ""
    direction: str = "asc"
    page: int = 1
    errors: tuple[str, ...] = ()

    @property
    def limit(self) -> int:
        return self.spec.page_size

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.spec.page_size

    @property
    def active(self) -> bool:
        """True when the view differs from the list's default (filters or search set)."""
        return bool(self.q) or self.filter != self.spec.default_filter

    def order(self, tiebreak: str = "id") -> str:
        """The Odoo order for the chosen column and direction; ``tiebreak`` keeps pages stable."""
        column = self.spec.sorts.get(self.sort)
        if not column:
            return f"{tiebreak} {self.direction}" if tiebreak else ""
        parts = [f"{c.strip()} {self.direction}" for c in column.split(",")]
        # Compare whole field names: "id" is a substring of "location_id".
        if tiebreak and tiebreak not in [c.split()[0] for c in column.split(",")]:
            parts.append(f"{tiebreak} {self.direction}")
        return ", ".join(parts)


def parse_list_args(args, spec: ListSpec) -> ListQuery:
    """The list query in ``args`` (a MultiDict or dict); unknown values become the defaults."""
    errors = []
    keys = spec.filter_keys()
    chosen = (args.get("filter") or spec.default_filter).strip()
    if keys and chosen not in keys:
        errors.append(_("That filter does not exist; showing the default list."))
        chosen = spec.default_filter
    q = " ".join((args.get("q") or "").split())
    if len(q) > SEARCH_MAX:
        errors.append(_("The search was cut to %(limit)s characters.", limit=SEARCH_MAX))
        q = q[:SEARCH_MAX]
    sort, direction = spec.default_sort
    if args.get("sort"):
        if args["sort"] in spec.sorts:
            sort = args["sort"]
        else:
            errors.append(_("That column can't be sorted; showing the default order."))
    if args.get("dir"):
        if args["dir"] in ("asc", "desc"):
            direction = args["dir"]
        else:
            errors.append(_("The sort direction must be “asc” or “desc”."))
    page = 1
    raw_page = args.get("page")
    if raw_page:
        try:
            page = int(raw_page)
        except (TypeError, ValueError):
            page = 0
        if not 1 <= page <= MAX_PAGE:
            errors.append(_("That page does not exist; showing the first page."))
            page = 1
    return ListQuery(spec, chosen, q, sort, direction, page, tuple(errors))


def page_info(query: ListQuery, total: int, shown: int) -> dict:
    """What the pager and the count line show: page, pages, has_next, first, last, total."""
    pages = max(1, -(-total // query.limit)) if total else 1
    first = query.offset + 1 if shown else 0
    return {
        "page": query.page,
        "pages": pages,
        "has_next": query.page < pages,
        "first": first,
        "last": query.offset + shown,
        "total": total,
    }


def search_domain(q: str, fields) -> list:
    """Records whose ``fields`` contain the search text (``ilike``, any of them); [] for none."""
    if not q:
        return []
    terms = [(f, "ilike", q) for f in fields]
    return ["|"] * (len(terms) - 1) + terms


# --------------------------------------------------------------------------- boards

BOARD_WINDOW = 100  # cards of all the columns together, when no column is chosen
COLUMN_PAGE = 50    # cards of a chosen column, a page at a time


@dataclass(frozen=True)
class BoardWindow:
    """Which cards a board of columns (one per stage) shows, so that it never grows with the
    data: the first ``window`` cards of all the columns together, or, with ``?stage=`` (a
    phone's tab, a column's "show all" link), one column a page at a time (``?page=``, the
    list query's paging). Each column's count comes from a ``read_group`` sent with the cards'
    read (:func:`column` says how many of them are shown).

        board = BoardWindow.from_args(request.args)
        groups, rows = odoo.parallel([
            OdooCall("read_group", model, domain, ["stage_id"], ["stage_id"]),
            OdooCall("search_read", model, domain + board.domain(), fields, order=...,
                     **board.read_kwargs())])
    """

    query: ListQuery
    stage: int | None = None
    window: int = BOARD_WINDOW

    @classmethod
    def from_args(cls, args, *, window=None, page_size=None) -> BoardWindow:
        window, page_size = window or BOARD_WINDOW, page_size or COLUMN_PAGE
        query = parse_list_args({"page": args.get("page")}, ListSpec(page_size=page_size))
        raw = (args.get("stage") or "").strip()
        stage = int(raw) if raw.isdigit() and 0 < int(raw) < 2**31 else None
        if raw and stage is None:
            query = ListQuery(query.spec, page=query.page,
                              errors=(*query.errors,
                                      _("That stage does not exist; showing the whole board.")))
        return cls(query, stage, window)

    @property
    def errors(self) -> tuple[str, ...]:
        return self.query.errors

    def domain(self, field: str = "stage_id") -> list:
        """What narrows the cards' read to the chosen column ([] for the whole board)."""
        return [(field, "=", self.stage)] if self.stage else []

    def read_kwargs(self) -> dict:
        """The cards' read's ``limit`` and ``offset``."""
        if self.stage:
            return {"limit": self.query.limit, "offset": self.query.offset}
        return {"limit": self.window}

    def column(self, stage_id, count: int, shown: int) -> dict:
        """What a column says under its cards: ``count`` (all of them, from the read_group),
        ``shown``, ``hidden`` (the others: a link shows them), and for the chosen column its
        ``pages`` (:func:`page_info`) when they don't all fit on one."""
        chosen = bool(self.stage) and stage_id == self.stage
        info = page_info(self.query, count, shown) if chosen else None
        return {"count": count, "shown": shown, "chosen": chosen,
                "hidden": 0 if chosen else max(count - shown, 0),
                "pages": info if info and info["pages"] > 1 else None}
