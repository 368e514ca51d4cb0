"""Deterministic demo data, relative to "today" (or --today): database `fieldkit`.

Users (login = password): admin, office, manager, tech1..tech6; every technician has an
fsm.person sharing the user's partner and at least two open orders scheduled today in their own
time zone. tech5 is in America/Los_Angeles, everyone else in the company's America/New_York.
tech6 has no email. tech5 works in French (fr_FR), tech6 in Spanish (es_ES): see
demo_languages.py. Each user has a demo API key (``api_key_for(login)``).
"""

import base64
import datetime as dt
import hashlib
import random
import struct
import zlib

from . import demo_languages, security

try:
    from zoneinfo import ZoneInfo
except ImportError:  # pragma: no cover
    ZoneInfo = None

COMPANY_TZ = "America/New_York"

USERS = [
    # login, name, tz, email, groups
    ("admin", "Mitchell Admin", COMPANY_TZ, "admin@fieldkit.example.com", security.ADMIN_GROUPS),
    ("office", "Olivia Office", COMPANY_TZ, "office@fieldkit.example.com",
     security.OFFICE_GROUPS),
    ("manager", "Marcus Manager", COMPANY_TZ, "manager@fieldkit.example.com",
     security.MANAGER_GROUPS),
    ("tech1", "Tom Technician", COMPANY_TZ, "tech1@fieldkit.example.com", security.TECH_GROUPS),
    ("tech2", "Tina Torres", COMPANY_TZ, "tech2@fieldkit.example.com", security.TECH_GROUPS),
    ("tech3", "Theo Tran", COMPANY_TZ, "tech3@fieldkit.example.com", security.TECH_GROUPS),
    ("tech4", "Tara Thompson", COMPANY_TZ, "tech4@fieldkit.example.com", security.TECH_GROUPS),
    ("tech5", "Tyler Tanaka", "America/Los_Angeles", "tech5@fieldkit.example.com",
     security.TECH_GROUPS),
    ("tech6", "Trevor Tate", COMPANY_TZ, False, security.TECH_GROUPS),
]

# A technician with two-factor login (not in USERS: no API key, no fsm.person, no orders).
TOTP_USER = ("tech2fa", "Tess Twofactor")

CUSTOMER_NAMES = [
    "Maple Street Dental", "Harborview Bakery", "Summit Fitness Center", "Oakridge Veterinary",
    "Bluewater Marina", "Riverside Print Shop", "Granite Peak Outfitters", "Cedar Lane Pharmacy",
    "Brightside Daycare", "Lakeshore Auto Repair", "Northgate Library", "Sunrise Senior Living",
    "Copper Kettle Diner", "Ironwood Brewing Co.", "Willow Creek Apartments", "Pinecrest Motel",
    "Redwood Family Clinic", "Silverline Data Center", "Golden Gate Laundromat",
    "Hillside Community Church", "Bayside Seafood Market", "Evergreen Landscaping",
    "Crescent Moon Yoga", "Stonebridge Law Offices", "Parkview Elementary School",
    "Meadowbrook Grocery", "Blue Ridge Hardware", "Starlight Cinema", "Fairview Dental Group",
    "Timberline Lodge", "Westside Bowling Lanes", "Canyon View Winery", "Harmony Music School",
    "Lighthouse Coffee Roasters", "Prairie Wind Farms", "Metro Office Suites",
    "Coastal Surf Shop", "Highland Animal Hospital", "Union Square Florist",
    "Beacon Hill Bookstore",
]
STREETS = ["Maple St", "Oak Ave", "Pine St", "Cedar Rd", "Elm St", "Washington Blvd", "Lake Dr",
           "Hill St", "Park Ave", "Main St", "Church St", "High St", "River Rd", "Sunset Blvd",
           "Broadway", "Market St", "Spring St", "Center St", "Walnut St", "Chestnut St"]
CITIES = [
    ("Springfield", "IL", "627"), ("Columbus", "OH", "432"), ("Albany", "NY", "122"),
    ("Hartford", "CT", "061"), ("Richmond", "VA", "232"), ("Raleigh", "NC", "276"),
    ("Trenton", "NJ", "086"), ("Harrisburg", "PA", "171"), ("Annapolis", "MD", "214"),
    ("Providence", "RI", "029"),
]
STATES = {"IL": "Illinois", "OH": "Ohio", "NY": "New York", "CT": "Connecticut",
          "VA": "Virginia", "NC": "North Carolina", "NJ": "New Jersey", "PA": "Pennsylvania",
          "MD": "Maryland", "RI": "Rhode Island", "CA": "California", "MA": "Massachusetts"}
AREA = {"IL": "217", "OH": "614", "NY": "518", "CT": "860", "VA": "804", "NC": "919",
        "NJ": "609", "PA": "717", "MD": "410", "RI": "401"}
CONTACT_NAMES = ["Emma Wilson", "Liam Johnson", "Olivia Brown", "Noah Davis", "Ava Miller",
                 "Ethan Garcia", "Sophia Martinez", "Mason Lee", "Isabella Clark", "Lucas Walker"]
EQUIPMENT = ["Rooftop HVAC unit", "Walk-in freezer", "Water heater", "Boiler", "Air handler",
             "Ice machine", "Backup generator", "Heat pump", "Split AC system", "Furnace"]
PROBLEMS = ["Compressor noisy", "No cooling on second floor", "Thermostat unresponsive",
            "Annual maintenance", "Water leak under unit", "Filter replacement",
            "Breaker keeps tripping", "Strange smell from vents", "Pilot light out",
            "Install new thermostat", "Inspect refrigerant levels", "Fan belt squealing"]
RESOLUTIONS = ["Replaced capacitor, tested OK.", "Cleaned coils and replaced filter.",
               "Reset thermostat and updated firmware.", "Tightened fittings, leak stopped.",
               "Replaced fan belt.", "Recharged refrigerant to spec."]
PRODUCTS = [
    ("HVAC-FLT-16", "Air Filter 16x25x1", 18.5, "product"), ("HVAC-FLT-20", "Air Filter 20x25x1",
                                                              21.0, "product"),
    ("HVAC-CAP-45", "Run Capacitor 45/5 MFD", 34.0, "product"),
    ("HVAC-CON-30", "Contactor 30A 24V", 42.0, "product"),
    ("HVAC-TSTAT", "Smart Thermostat", 189.0, "product"),
    ("HVAC-BELT-A", "Fan Belt A-Section", 16.0, "product"),
    ("HVAC-MTR-05", "Condenser Fan Motor 1/2 HP", 265.0, "product"),
    ("HVAC-REF-410", "Refrigerant R-410A (lb)", 38.0, "product"),
    ("HVAC-IGN-01", "Hot Surface Igniter", 55.0, "product"),
    ("HVAC-FLM-01", "Flame Sensor", 24.0, "product"),
    ("HVAC-DRAIN", "Condensate Pump", 89.0, "product"),
    ("HVAC-DUCT", "Duct Tape Foil 60yd", 12.5, "consu"),
    ("HVAC-COIL-CL", "Coil Cleaner Spray", 14.0, "consu"),
    ("HVAC-HP-3T", "Heat Pump 3 Ton", 3450.0, "product"),
    ("HVAC-AH-3T", "Air Handler 3 Ton", 1890.0, "product"),
    ("HVAC-WH-50", "Water Heater 50 gal", 940.0, "product"),
    ("HVAC-VALVE", "Expansion Valve", 120.0, "product"),
    ("HVAC-SENS", "Temperature Sensor", 29.0, "product"),
    ("HVAC-PCB", "Control Board", 310.0, "product"),
    ("HVAC-BLWR", "Blower Wheel", 145.0, "product"),
    ("SRV-LABOR", "Labor (hour)", 95.0, "service"),
    ("SRV-DIAG", "Diagnostic Visit", 89.0, "service"),
    ("SRV-MAINT", "Maintenance Plan (year)", 299.0, "service"),
    ("SRV-EMERG", "Emergency Call-out", 175.0, "service"),
    ("SRV-INSTALL", "Installation Service", 450.0, "service"),
]


def api_key_for(login):
    """The deterministic demo API key of a demo user."""
    return "fkdemo_" + hashlib.sha256(f"fieldkit-demo-{login}".encode()).hexdigest()[:32]


# fieldservice_activity's demo templates: (name, instructions, [(step, required, reference)])
ACTIVITY_TEMPLATES = (
    ("Boiler service", "Annual boiler service", [
        ("Check the flue and ventilation", True, "FLUE"),
        ("Test the gas pressure", True, "GAS"),
        ("Clean the burner", False, False),
        ("Check the safety valve", True, "PRV"),
        ("Photograph the data plate", False, False),
    ]),
    ("Safety inspection", "Site safety inspection", [
        ("Smoke and CO alarms work", True, "CO"),
        ("Electrical panel labelled", False, False),
        ("Fire extinguisher in date", True, "FIRE"),
        ("Escape routes clear", False, False),
    ]),
)


def _utc(day, hour, minute, tz):
    local = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(tz))
    return local.astimezone(dt.UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S")


class Seeder:
    def __init__(self, state):
        self.state = state
        self.version = state.version
        self.rng = random.Random(20240601)
        # as the web client sends it: records default to English (res.partner.lang)
        self.env = state.env(1, {"lang": "en_US"}, su=True)

    def create(self, model, vals, xmlid=None):
        rid = self.env[model]._create_one(dict(vals))
        if xmlid:
            self.state.add_xmlid(xmlid, model, rid)
        return rid

    def local_today(self, tz):
        if self.state.today:
            return self.state.today
        return dt.datetime.now(ZoneInfo(tz)).date()

    # -- base -------------------------------------------------------------------------------
    def seed_base(self):
        demo_languages.seed_langs(self)
        self.us = self.create("res.country", {"name": "United States", "code": "US"},
                              "base.us")
        self.states = {code: self.create("res.country.state", {"name": name, "code": code,
                                                               "country_id": self.us})
                       for code, name in STATES.items()}
        self.usd = self.create("res.currency", {"name": "USD", "symbol": "$",
                                                   "position": "before"}, "base.USD")
        cpartner = self.create("res.partner", {
            "name": "Fieldkit Services Inc.", "is_company": True, "street": "100 Main St",
            "city": "Hartford", "zip": "06103", "state_id": self.states["CT"],
            "country_id": self.us, "phone": "+1 860-555-0100",
            "email": "info@fieldkit.example.com", "tz": COMPANY_TZ, "vat": "US 12-3456789",
            "website": "https://fieldkit.example.com", "image_1920": _demo_logo()},
            "base.main_partner")
        self.company = self.create("res.company", {"name": "Fieldkit Services Inc.",
                                                   "partner_id": cpartner,
                                                   "currency_id": self.usd, "sequence": 0},
                                   "base.main_company")
        self.env["res.partner"]._write_one(cpartner, {"company_id": self.company})
        self.create("uom.uom", {"name": "Units"}, "uom.product_uom_unit")
        self.create("uom.uom", {"name": "Hours"}, "uom.product_uom_hour")
        # groups
        cats = {}
        gids = {}
        for xmlid in security.GROUPS:
            name, category = security.group_name(xmlid, self.version)
            if category and category not in cats:
                cats[category] = self.create("ir.module.category", {"name": category})
            gids[xmlid] = self.create("res.groups", {"name": name,
                                                     "category_id": cats.get(category, False)},
                                   xmlid)
        for xmlid, (_, _, implied) in security.GROUPS.items():
            self.env["res.groups"]._write_one(gids[xmlid], {
                "implied_ids": [(6, 0, [gids[i] for i in implied])]})
        self.gids = gids
        gfield = "groups_id" if self.version <= 18 else "group_ids"
        # OdooBot (uid 1) then the demo users
        bot_partner = self.create("res.partner", {"name": "OdooBot", "email": "odoobot@example.com",
                                                  "tz": COMPANY_TZ}, "base.partner_root")
        self.create("res.users", {"login": "__system__", "partner_id": bot_partner,
                                  "active": False, gfield: [(6, 0, list(gids.values()))]},
                    "base.user_root")
        self.users = {}
        for login, name, tz, email, groups in USERS:
            pid = self.create("res.partner", {"name": name, "email": email, "tz": tz,
                                              "company_id": self.company,
                                              "phone": f"+1 860-555-01{len(self.users) + 10:02d}"})
            uid = self.create("res.users", {
                "login": login, "password": login, "partner_id": pid,
                "company_id": self.company, "company_ids": [(6, 0, [self.company])],
                gfield: [(6, 0, [gids[g] for g in groups])]},
                "base.user_admin" if login == "admin" else f"fieldkit.user_{login}")
            self.users[login] = uid
            self.create("res.users.apikeys", {"name": "Fieldkit demo key", "user_id": uid,
                                              "key": api_key_for(login), "scope": "rpc"})
        self.state.invalidate_groups()

    def seed_ir_model(self):
        for mname, cls in sorted(self.state.registry.classes.items()):
            mid = self.create("ir.model", {"name": cls._description or mname, "model": mname,
                                           "transient": bool(cls._transient)},
                              f"base.model_{mname.replace('.', '_')}")
            for fname, f in self.state.registry.fields[mname].items():
                self.create("ir.model.fields", {
                    "name": fname, "field_description": f.string or fname, "model": mname,
                    "model_id": mid, "ttype": f.type, "relation": f.relation or False,
                    "required": bool(f.required), "readonly": bool(f.readonly),
                    "store": bool(f.store), "state": "manual" if fname.startswith("x_")
                    else "base"})
        self.state._model_ids = {r["model"]: rid for rid, r in
                                 self.state.storage.data["ir.model"].items()}
        self.state._field_ids = {(r["model"], r["name"]): rid for rid, r in
                                 self.state.storage.data["ir.model.fields"].items()}

    def seed_mail(self):
        self.create("mail.message.subtype", {"name": "Discussions", "sequence": 0},
                    "mail.mt_comment")
        self.create("mail.message.subtype", {"name": "Note", "internal": True, "sequence": 100},
                    "mail.mt_note")
        self.create("mail.message.subtype", {"name": "Activities", "internal": True,
                                             "sequence": 90}, "mail.mt_activities")
        self.create("mail.message.subtype", {"name": "Order Completed",
                                             "description": "Order completed",
                                             "res_model": "fsm.order"},
                    "fieldservice.mt_order_completed")
        self.create("mail.message.subtype", {"name": "Order Cancelled",
                                             "description": "Order cancelled",
                                             "res_model": "fsm.order"},
                    "fieldservice.mt_order_cancelled")
        for i, (name, icon, xmlid) in enumerate([
                ("Email", "fa-envelope", "mail.mail_activity_data_email"),
                ("Call", "fa-phone", "mail.mail_activity_data_call"),
                ("Meeting", "fa-users", "mail.mail_activity_data_meeting"),
                ("To-Do", "fa-check", "mail.mail_activity_data_todo")]):
            self.create("mail.activity.type", {"name": name, "icon": icon, "sequence": i + 1},
                        xmlid)

    # -- customers ----------------------------------------------------------------------------
    def seed_customers(self):
        rng = self.rng
        self.customers = []
        for i, name in enumerate(CUSTOMER_NAMES):
            city, st, zip3 = CITIES[i % len(CITIES)]
            street = f"{rng.randint(10, 9899)} {STREETS[rng.randrange(len(STREETS))]}"
            phone = f"+1 {AREA[st]}-555-{rng.randint(100, 199):04d}"
            vals = {"name": name, "is_company": True, "street": street, "city": city,
                    "zip": f"{zip3}{rng.randint(1, 99):02d}", "state_id": self.states[st],
                    "country_id": self.us, "phone": phone,
                    "email": "info@" + "".join(c for c in name.lower() if c.isalnum())[:18]
                    + ".example.com", "company_id": self.company}
            if self.version <= 18 and i % 3 == 0:
                vals["mobile"] = f"+1 {AREA[st]}-555-{rng.randint(200, 299):04d}"
            pid = self.create("res.partner", vals)
            contact = CONTACT_NAMES[i % len(CONTACT_NAMES)]
            self.create("res.partner", {"name": contact, "parent_id": pid, "type": "contact",
                                        "phone": f"+1 {AREA[st]}-555-{rng.randint(300, 399):04d}",
                                        "email": contact.lower().replace(" ", ".")
                                        + "@example.com"})
            self.customers.append(pid)

    # -- field service ------------------------------------------------------------------------
    def seed_fieldservice(self):
        v = self.version
        def stage(name, seq, key, closed=False, fold=False, color="#FFFFFF", module="fieldservice"):
            return self.create("fsm.stage", {"name": name, "sequence": seq, "stage_type": "order",
                                              "is_closed": closed, "is_default": True, "fold": fold,
                                              "custom_color": color}, f"{module}.fsm_stage_{key}")
        self.stage = {"new": stage("New", 10, "new")}
        self.stage["completed"] = stage("Completed", 80, "completed", closed=True,
                                        color="#00FF00")
        self.stage["cancel"] = stage("Cancelled", 100, "cancel", closed=True, fold=True,
                                     color="#FF0000")
        if v <= 17:
            for key, name, seq in (("confirmed", "Confirmed", 20), ("requested", "Requested", 30),
                                   ("assigned", "Assigned", 40), ("scheduled", "Scheduled", 50),
                                   ("enroute", "En Route", 60), ("started", "Started", 70)):
                self.stage[key] = stage(name, seq, key, module="fieldservice_isp_flow")
        self.team = self.create("fsm.team", {"name": "Default Team"},
                                "fieldservice.fsm_team_default")
        self.create("fsm.order.type", {"name": "Field Service"}, "fieldservice.fsm_order_type_fsm")
        self.tags = [self.create("fsm.tag", {"name": n}) for n in ("Warranty", "VIP", "Follow-up")]
        self.create("fsm.category", {"name": "HVAC"})
        self.create("res.territory", {"name": "Northeast"}, "base_territory.test_territory")
        # persons share the user's partner
        self.persons = {}
        for login in ("tech1", "tech2", "tech3", "tech4", "tech5", "tech6"):
            uid = self.users[login]
            pid = self.state.storage.data["res.users"][uid]["partner_id"]
            self.persons[login] = self.create("fsm.person", {"partner_id": pid},
                                              f"fieldkit.person_{login}")
        # locations (one per customer) with equipment
        self.locations = []
        rng = self.rng
        for cid in self.customers:
            crec = self.state.storage.data["res.partner"][cid]
            lid = self.create("fsm.location", {
                "name": f"{crec['name']} - Main", "owner_id": cid, "contact_id": cid,
                "street": crec["street"], "city": crec["city"], "zip": crec["zip"],
                "state_id": crec["state_id"], "country_id": crec["country_id"],
                "phone": crec["phone"], "direction": rng.choice(
                    [False, "Use the side entrance", "Ring the service bell",
                     "Park behind the building", "Check in at reception"])})
            for _ in range(rng.randint(1, 2)):
                self.create("fsm.equipment", {
                    "name": rng.choice(EQUIPMENT), "location_id": lid,
                    "current_location_id": lid, "owner_id": cid,
                    "serial": f"SN-{rng.randint(100000, 999999)}"})
            self.locations.append(lid)
        self.seed_orders()

    def _open_stages(self, assigned):
        if self.version >= 18:
            return ["new"]
        return ["assigned", "scheduled", "enroute", "started"] if assigned else \
            ["new", "confirmed", "requested"]

    def seed_orders(self):
        rng = self.rng
        office_env = self.state.env(self.users["office"], su=True)
        orders = []
        techs = list(self.persons)
        for login in techs:
            tz = self.state.user_tz(self.users[login])
            today = self.local_today(tz)
            for hour, minute in ((9, 0), (11, 30), (14, 0)):
                orders.append((login, today, hour, minute, "open"))
            for back in (1, 3):
                orders.append((login, today - dt.timedelta(days=back), 10, 0, "open"))
            for ahead in (1, 2, 6):
                orders.append((login, today + dt.timedelta(days=ahead), 9 + ahead % 5, 0, "open"))
            for back in (1, 2, 4, 7, 11):
                orders.append((login, today - dt.timedelta(days=back), 8 + back % 6, 30,
                               "completed"))
            orders.append((login, today - dt.timedelta(days=5), 13, 0, "cancel"))
        ctoday = self.local_today(COMPANY_TZ)
        for _i in range(12):
            orders.append((None, ctoday + dt.timedelta(days=rng.randint(-4, 14)),
                           rng.choice((8, 10, 13, 15)), 0, "open"))
        while len(orders) < 120:
            login = rng.choice(techs)
            day = ctoday + dt.timedelta(days=rng.randint(-14, 14))
            kind = "completed" if day < ctoday and rng.random() < 0.7 else \
                rng.choice(("open", "open", "cancel"))
            orders.append((login, day, rng.choice((8, 9, 10, 13, 15, 16)), 0, kind))
        # Every look a job card can have, on each technician's list (closed jobs stay on it
        # until midnight): done today, cancelled on site today, urgent in three days. Added last so the
        # orders above keep their numbers and random values.
        # Nor do they change the random values of what is seeded after them.
        extras_from = len(orders)
        for login in techs:
            today = self.local_today(self.state.user_tz(self.users[login]))
            orders += [(login, today, 7, 0, "completed"), (login, today, 8, 0, "cancel_onsite"),
                       (login, today + dt.timedelta(days=3), 16, 30, "urgent")]
        rng_state = None
        for n, (login, day, hour, minute, kind) in enumerate(orders):
            if n == extras_from:
                rng_state = rng.getstate()
            tz = self.state.user_tz(self.users[login]) if login else COMPANY_TZ
            start = _utc(day, hour, minute, tz)
            problem = PROBLEMS[n % len(PROBLEMS)]
            vals = {
                "location_id": self.locations[n % len(self.locations)],
                "person_id": self.persons[login] if login else False,
                "scheduled_date_start": start,
                "scheduled_duration": rng.choice((1.0, 1.5, 2.0, 3.0)),
                "priority": rng.choice(("0", "0", "0", "1", "2", "3")),
                "description": problem if self.version <= 17 else f"<p>{problem}</p>",
                "todo": "<ul><li>Check in with the customer</li><li>Inspect the unit</li>"
                        "<li>Photograph the work</li></ul>",
                "team_id": self.team,
            }
            if n % 9 == 0:
                vals["tag_ids"] = [(6, 0, [self.tags[n % 3]])]
            if kind == "urgent":
                kind, vals["priority"] = "open", "3"
            if kind == "cancel_onsite":  # the customer sent the technician away
                end = (dt.datetime.strptime(start, "%Y-%m-%d %H:%M:%S") + dt.timedelta(minutes=20))
                kind = "cancel"
                vals.update(date_start=start, date_end=end.strftime("%Y-%m-%d %H:%M:%S"),
                            priority="0")
            if kind == "open":
                choices = self._open_stages(bool(login))
                key = choices[n % len(choices)]
                if login and day == self.local_today(tz) and hour == 9 and self.version <= 17:
                    key = "scheduled"
                if key == "started":
                    vals["date_start"] = start
                vals["stage_id"] = self.stage[key]
            elif kind == "completed":
                end = (dt.datetime.strptime(start, "%Y-%m-%d %H:%M:%S")
                       + dt.timedelta(hours=vals["scheduled_duration"]))
                vals.update(date_start=start, date_end=end.strftime("%Y-%m-%d %H:%M:%S"),
                            resolution=RESOLUTIONS[n % len(RESOLUTIONS)] if self.version <= 17
                            else f"<p>{RESOLUTIONS[n % len(RESOLUTIONS)]}</p>")
            oid = office_env["fsm.order"]._create_one(dict(vals))
            if kind in ("completed", "cancel"):
                author = self.users[login] if login else self.users["office"]
                env = self.state.env(author, su=True).with_context(_fsm_button=True)
                env["fsm.order"]._write_one(oid, {"stage_id": self.stage[kind]})
                env["fsm.order"]._track(oid, {"stage_id": vals.get("stage_id")
                                              or self.stage["new"]})
        if rng_state is not None:
            rng.setstate(rng_state)

    # -- sales, crm, stock, helpdesk ------------------------------------------------------------
    def seed_products(self):
        self.products = []
        categ = self.create("product.category", {"name": "All"}, "product.product_category_all")
        for code, name, price, ptype in PRODUCTS:
            vals = {"name": name, "default_code": code, "list_price": price,
                    "standard_price": round(price * 0.6, 2), "sale_ok": True,
                    "purchase_ok": ptype != "service", "categ_id": categ,
                    "uom_id": self.state.xmlids["uom.product_uom_hour" if ptype == "service"
                                                else "uom.product_uom_unit"][1]}
            if self.version >= 18:
                vals.update(type="service" if ptype == "service" else "consu",
                            is_storable=ptype == "product")
            else:
                vals["type"] = ptype
            tmpl = self.create("product.template", vals)
            pid = self.env["product.template"].raw_value(tmpl, "product_variant_ids")[0]
            if ptype == "product":
                self.env["product.product"]._write_one(pid, {"qty_available":
                                                             float(self.rng.randint(0, 60))})
            self.products.append(pid)

    def seed_sales(self):
        rng = self.rng
        states = ["draft", "sent", "sale", "cancel"] + (["done"] if self.version <= 16 else [])
        sellers = [self.users[x] for x in ("office", "manager", "tech1", "tech2", "tech3")]
        self.tax = self.create("account.tax", {"name": "15%", "amount": 15.0})
        today = self.local_today(COMPANY_TZ)
        for i in range(30):
            state = states[i % len(states)]
            partner = self.customers[(i * 7) % len(self.customers)]
            lines = []
            for _ in range(rng.randint(1, 3)):
                pid = self.products[rng.randrange(len(self.products))]
                lines.append((0, 0, {"product_id": pid,
                                     "product_uom_qty": float(rng.randint(1, 5))}))
            date_order = dt.datetime.combine(today - dt.timedelta(days=rng.randint(0, 40)),
                                             dt.time(14, rng.randint(0, 59)))
            vals = {"partner_id": partner, "user_id": sellers[i % len(sellers)],
                    "order_line": lines,
                    "date_order": date_order.strftime("%Y-%m-%d %H:%M:%S"),
                    "validity_date": (date_order.date() + dt.timedelta(days=30)).isoformat()}
            sid = self.create("sale.order", vals)
            extra = {"state": state}
            if self.version >= 17 and state == "sale" and i % 4 == 2:
                extra["locked"] = True
            self.env["sale.order"]._write_one(sid, extra)

    def seed_crm(self):
        rng = self.rng
        stages = [self.create("crm.stage", {"name": n, "sequence": s, "is_won": w},
                              f"crm.stage_lead{i + 1}")
                  for i, (n, s, w) in enumerate((("New", 1, False), ("Qualified", 2, False),
                                                 ("Proposition", 3, False),
                                                 ("Won", 70, True)))]
        reasons = [self.create("crm.lost.reason", {"name": n}) for n in
                   ("Too expensive", "We don't have people/skills", "Not enough stock")]
        team = self.create("crm.team", {"name": "Sales"}, "sales_team.team_sales_department")
        tags = [self.create("crm.tag", {"name": n}) for n in ("Service", "Install", "Contract")]
        today = self.local_today(COMPANY_TZ)
        sellers = [self.users[x] for x in ("office", "manager", "tech1", "tech2")]
        for i in range(25):
            partner = self.customers[(i * 3 + 1) % len(self.customers)]
            pname = self.state.storage.data["res.partner"][partner]["name"]
            stage = stages[i % 4]
            lost = i % 8 == 7
            vals = {"name": f"{pname}: {rng.choice(['Maintenance contract', 'New HVAC install', 'Service plan renewal', 'Heat pump upgrade', 'Duct cleaning'])}",
                    "type": "opportunity" if i % 5 else "lead", "partner_id": partner,
                    "stage_id": stage, "user_id": sellers[i % len(sellers)],
                    "expected_revenue": float(rng.randint(5, 120) * 100),
                    "probability": 100.0 if stage == stages[3] else float(rng.choice(
                        (10, 20, 30, 50, 70))),
                    "date_deadline": (today + dt.timedelta(days=rng.randint(-5, 30))).isoformat(),
                    "team_id": team, "tag_ids": [(6, 0, [tags[i % 3]])],
                    "email_from": self.state.storage.data["res.partner"][partner]["email"],
                    "phone": self.state.storage.data["res.partner"][partner]["phone"],
                    "priority": str(i % 4)}
            if lost:
                vals.update({"active": False, "probability": 0.0,
                             ("lost_reason_id" if self.version >= 16 else "lost_reason"):
                             reasons[i % 3]})
            self.create("crm.lead", vals)

    def seed_crm_activities(self):
        """Next steps on some open leads: overdue, due today and planned ones."""
        env = self.state.env(self.users["office"], su=True)
        leads = env["crm.lead"]
        today = self.local_today(COMPANY_TZ)
        calls = self.state.xmlids["mail.mail_activity_data_call"][1]
        todo = self.state.xmlids["mail.mail_activity_data_todo"][1]
        open_ids = sorted(rid for rid, rec in leads.records.items() if rec.get("active", True))
        for n, rid in enumerate(open_ids[:12]):
            delta = (-3, 0, 4)[n % 3]
            user = leads.records[rid].get("user_id") or self.users["office"]
            env["mail.activity"]._create_one({
                "res_model_id": self.state.model_id("crm.lead"), "res_model": "crm.lead",
                "res_id": rid, "activity_type_id": calls if n % 2 else todo,
                "summary": ("Call back about the quote", "Send the site survey",
                            "Confirm the visit date")[n % 3],
                "date_deadline": (today + dt.timedelta(days=delta)).isoformat(),
                "user_id": user})

    def seed_stock(self):
        rng = self.rng
        view = self.create("stock.location", {"name": "WH", "usage": "view"},
                           "stock.warehouse0_view_location")
        stock = self.create("stock.location", {"name": "Stock", "location_id": view,
                                               "usage": "internal"}, "stock.stock_location_stock")
        wh = self.create("stock.warehouse", {"name": "Fieldkit Warehouse", "code": "WH",
                                             "view_location_id": view, "lot_stock_id": stock},
                         "stock.warehouse0")
        partners = self.create("stock.location", {"name": "Partners", "usage": "view"})
        customers = self.create("stock.location", {"name": "Customers", "location_id": partners,
                                                   "usage": "customer"},
                                "stock.stock_location_customers")
        vendors = self.create("stock.location", {"name": "Vendors", "location_id": partners,
                                                 "usage": "supplier"},
                              "stock.stock_location_suppliers")
        self.stock_locations = {"stock": stock, "customers": customers, "vendors": vendors}
        types = [
            self.create("stock.picking.type", {"name": "Receipts", "code": "incoming",
                                               "sequence_code": "IN", "warehouse_id": wh,
                                               "default_location_src_id": vendors,
                                               "default_location_dest_id": stock},
                        "stock.picking_type_in"),
            self.create("stock.picking.type", {"name": "Delivery Orders", "code": "outgoing",
                                               "sequence_code": "OUT", "warehouse_id": wh,
                                               "default_location_src_id": stock,
                                               "default_location_dest_id": customers},
                        "stock.picking_type_out"),
            self.create("stock.picking.type", {"name": "Internal Transfers", "code": "internal",
                                               "sequence_code": "INT", "warehouse_id": wh,
                                               "default_location_src_id": stock,
                                               "default_location_dest_id": stock},
                        "stock.picking_type_internal"),
        ]
        self.env["stock.warehouse"]._write_one(wh, {"in_type_id": types[0],
                                                    "out_type_id": types[1],
                                                    "int_type_id": types[2]})
        storable = [p for p, (_, _, _, t) in zip(self.products, PRODUCTS, strict=False) if t == "product"]
        self.storable = storable
        products = self.env["product.product"]
        for n, pid in enumerate(storable):
            # EAN-13 style barcodes; the warehouse holds what qty_available says
            products._write_one(pid, {"barcode": f"40011300{n:04d}{(7 * n) % 10}"})
            self.create("stock.quant", {"product_id": pid, "location_id": stock,
                                        "quantity": products.records[pid]["qty_available"]})
        now = dt.datetime.combine(self.local_today(COMPANY_TZ), dt.time(15, 0))
        states = ["draft", "waiting", "confirmed", "assigned", "assigned", "done", "cancel"]
        for ptype in types:
            for i in range(20):
                state = states[i % len(states)]
                moves = []
                for _ in range(rng.randint(1, 2)):
                    pid = rng.choice(storable)
                    qty = float(rng.randint(1, 12))
                    moves.append((0, 0, {"product_id": pid, "product_uom_qty": qty}))
                sched = now + dt.timedelta(days=rng.randint(-10, 12), hours=rng.randint(-4, 4))
                partner = self.customers[(i * 5) % len(self.customers)] \
                    if ptype != types[2] else False
                # warehouse work is nobody's in particular until someone takes it
                pick = self.create("stock.picking", {
                    "picking_type_id": ptype, "partner_id": partner, "user_id": False,
                    "scheduled_date": sched.strftime("%Y-%m-%d %H:%M:%S"),
                    "origin": f"S{(i % 30) + 1:05d}" if ptype == types[1] else False,
                    "move_ids": moves})
                self.env["stock.picking"]._demo_state(pick, state)
        self.seed_vans(wh)

    def seed_vans(self, main_wh):
        """One van per technician, modelled as Odoo models vans: a small warehouse (code V1..)
        set as the user's Default Warehouse, with on-hand quants (some low) and a loading
        transfer from the main stock for today, whose Responsible is the technician."""
        rng = random.Random(1313)
        loc = self.stock_locations
        today = dt.datetime.combine(self.local_today(COMPANY_TZ), dt.time(12, 0))
        for n, login in enumerate(("tech1", "tech2", "tech3", "tech4", "tech5", "tech6"), 1):
            uid = self.users[login]
            code = f"V{n}"
            view = self.create("stock.location", {"name": code, "usage": "view"})
            van = self.create("stock.location", {"name": "Stock", "location_id": view,
                                                 "usage": "internal", "barcode": f"{code}-STOCK"})
            wh = self.create("stock.warehouse", {"name": f"Van {n}", "code": code,
                                                 "view_location_id": view, "lot_stock_id": van})
            out = self.create("stock.picking.type", {
                "name": "Delivery Orders", "code": "outgoing", "sequence_code": "OUT",
                "warehouse_id": wh, "default_location_src_id": van,
                "default_location_dest_id": loc["customers"]})
            load = self.create("stock.picking.type", {
                "name": "Van Loading", "code": "internal", "sequence_code": "INT",
                "warehouse_id": wh, "default_location_src_id": loc["stock"],
                "default_location_dest_id": van})
            self.env["stock.warehouse"]._write_one(wh, {"out_type_id": out, "int_type_id": load})
            self.env["res.users"]._write_one(uid, {"property_warehouse_id": wh})
            for pid in rng.sample(self.storable, 8):
                self.create("stock.quant", {"product_id": pid, "location_id": van,
                                            "quantity": float(rng.choice((0, 1, 2, 3, 5, 8, 12)))})
            moves = [(0, 0, {"product_id": pid, "product_uom_qty": float(rng.randint(2, 6))})
                     for pid in rng.sample(self.storable, 2)]
            pick = self.create("stock.picking", {
                "picking_type_id": load, "user_id": uid, "move_ids": moves,
                "scheduled_date": today.strftime("%Y-%m-%d %H:%M:%S"),
                "origin": f"Morning load {code}"})
            self.env["stock.picking"]._demo_state(pick, "assigned")

    def seed_helpdesk(self):
        stages = [self.create("helpdesk.ticket.stage", {"name": n, "sequence": s, "closed": c,
                                                        "fold": c})
                  for n, s, c in (("New", 1, False), ("In Progress", 2, False),
                                  ("Awaiting", 3, False), ("Done", 4, True),
                                  ("Cancelled", 5, True))]
        team = self.create("helpdesk.ticket.team", {"name": "Support"})
        cat = self.create("helpdesk.ticket.category", {"name": "HVAC"})
        subjects = ["No heat in the office", "Invoice question", "Reschedule my visit",
                    "Thermostat app not syncing", "Noise after repair", "Request a quote",
                    "Warranty claim", "Technician feedback"]
        for i, subject in enumerate(subjects):
            self.create("helpdesk.ticket", {
                "name": subject, "description": f"<p>{subject}.</p>",
                "partner_id": self.customers[i * 4 % len(self.customers)],
                "stage_id": stages[i % len(stages)], "team_id": team, "category_id": cat,
                "user_id": [self.users["office"], self.users["tech1"], False][i % 3],
                "priority": str(i % 4)})

    def seed_resource(self):
        """The standard 40 hours/week calendar as resource's data file ships it (a lunch
        period from 17), set as the company's working hours."""
        cal = self.create("resource.calendar", {"name": "Standard 40 hours/week",
                                                "tz": COMPANY_TZ, "hours_per_day": 8.0},
                          "resource.resource_calendar_std")
        for day, label in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")):
            periods = [("Morning", 8, 12, "morning"), ("Afternoon", 13, 17, "afternoon")]
            if self.version >= 17:
                periods.insert(1, ("Lunch", 12, 13, "lunch"))
            for name, start, end, period in periods:
                self.create("resource.calendar.attendance", {
                    "name": f"{label} {name}", "dayofweek": str(day), "hour_from": start,
                    "hour_to": end, "day_period": period, "calendar_id": cal})
        self.env["res.company"]._write_one(self.company, {"resource_calendar_id": cal})
    # -- IT services: client assets, alert tickets, managed-seat subscriptions ---------------
    def seed_psa(self):
        """Assets for the first customers (one decommissioned), alert tickets on some, an
        integration user with an API key, the managed-seat product and running subscriptions
        whose seat counts are partly stale (one has no seat line at all)."""
        rng, data = self.rng, self.state.storage.data
        gfield = "groups_id" if self.version <= 18 else "group_ids"
        pid = self.create("res.partner", {"name": "RMM Integration", "email":
                                          "integration@fieldkit.example.com", "tz": COMPANY_TZ,
                                          "company_id": self.company})
        groups = security.OFFICE_GROUPS + [security.SALE_MANAGER, security.HD_MANAGER]
        uid = self.create("res.users", {
            "login": "integration", "password": "integration", "partner_id": pid,
            "company_id": self.company, "company_ids": [(6, 0, [self.company])],
            gfield: [(6, 0, [self.gids[g] for g in groups])]}, "fieldkit.user_integration")
        self.users["integration"] = uid
        self.create("res.users.apikeys", {"name": "RMM webhook", "user_id": uid,
                                          "key": api_key_for("integration"), "scope": "rpc"})
        self.state.invalidate_groups()
        oses = ["Windows 11 Pro 23H2", "Windows 10 Pro 22H2", "Windows Server 2022",
                "macOS 14 Sonoma", "Ubuntu 22.04 LTS"]
        kinds = ["PC", "LT", "SRV", "MAC"]
        now = dt.datetime.combine(self.local_today(COMPANY_TZ), dt.time(12, 0))
        self.assets = {}
        for n, cid in enumerate(self.customers[:8]):
            cname = data["res.partner"][cid]["name"]
            prefix = "".join(w[0] for w in cname.split()[:3]).upper()
            contact = next((r for r, p in data["res.partner"].items()
                            if p.get("parent_id") == cid), False)
            ids = []
            for k in range(3 + n % 2):
                ids.append(self.create("x_client_asset", {
                    "x_name": f"{prefix}-{kinds[k % len(kinds)]}{k + 1:02d}",
                    "x_serial_number": f"{rng.choice(['5CG', 'C02', 'PF3', 'MXL'])}"
                                       f"{rng.randint(1000000, 9999999)}",
                    "x_partner_id": cid, "x_assigned_user_id": contact if k == 0 else False,
                    "x_pulseway_id": hashlib.sha256(f"pw-{cid}-{k}".encode()).hexdigest()[:24],
                    "x_os_info": oses[(n + k) % len(oses)],
                    "x_last_audit": (now - dt.timedelta(hours=rng.randint(1, 240))).strftime(
                        "%Y-%m-%d %H:%M:%S"),
                    "x_status": "decommissioned" if k == 2 and n % 3 == 0 else "active"}))
            self.assets[cid] = ids
        stage = min(data["helpdesk.ticket.stage"])
        for n, (header, cid) in enumerate((("Disk space low on C:", self.customers[0]),
                                           ("Backup job failed", self.customers[1]),
                                           ("CPU usage above 90%", self.customers[2]))):
            self.create("helpdesk.ticket", {
                "name": f"Alert: {header}", "description": f"<p>{header}.</p>",
                "partner_id": cid, "x_asset_id": self.assets[cid][0], "stage_id": stage,
                "priority": "2" if n == 0 else "1"})
        order = next(iter(sorted(r for r, o in data["fsm.order"].items()
                                 if data["fsm.location"].get(o.get("location_id"), {})
                                 .get("owner_id") == self.customers[0])), None)
        if order:
            self.env["fsm.order"]._write_one(order, {"x_asset_id":
                                                     self.assets[self.customers[0]][0]})
        self.seed_subscriptions()

    def seed_subscriptions(self):
        vals = {"name": "Managed Seat (month)", "default_code": "SRV-SEAT", "list_price": 35.0,
                "sale_ok": True, "purchase_ok": False, "type": "service",
                "uom_id": self.state.xmlids["uom.product_uom_unit"][1]}
        tmpl = self.create("product.template", vals)
        seat = self.env["product.template"].raw_value(tmpl, "product_variant_ids")[0]
        maint = self.products[[p[0] for p in PRODUCTS].index("SRV-MAINT")]
        today = self.local_today(COMPANY_TZ)
        # (customer index, seat quantity or None for no seat line, running?)
        plans = [(0, 3, True), (1, 2, True), (2, None, True), (3, 1, False)]
        if self.version == 15:
            for idx, qty, running in plans:
                lines = [(0, 0, {"product_id": maint, "name": "Maintenance plan",
                                 "quantity": 1.0, "price_unit": 299.0})]
                if qty is not None:
                    lines.append((0, 0, {"product_id": seat, "name": "Managed Seat (month)",
                                         "quantity": float(qty), "price_unit": 35.0}))
                self.create("contract.contract", {
                    "name": f"Managed IT {idx + 1}", "partner_id": self.customers[idx],
                    "date_start": (today - dt.timedelta(days=90)).isoformat(),
                    "date_end": False if running else (today - dt.timedelta(days=5)).isoformat(),
                    "contract_line_ids": [
                        (0, 0, dict(v, date_start=(today - dt.timedelta(days=90)).isoformat(),
                                    date_end=False if running else
                                    (today - dt.timedelta(days=5)).isoformat()))
                        for _, _, v in lines]})
            return
        plan = self.create("sale.subscription.plan", {"name": "Monthly"}) \
            if self.version >= 17 else False
        for idx, qty, running in plans:
            lines = [(0, 0, {"product_id": maint, "product_uom_qty": 1.0})]
            if qty is not None:
                lines.append((0, 0, {"product_id": seat, "product_uom_qty": float(qty)}))
            sub = {"partner_id": self.customers[idx], "user_id": self.users["office"],
                   "order_line": lines, "is_subscription": True, "state": "sale",
                   "next_invoice_date": (today + dt.timedelta(days=10)).isoformat()}
            if self.version >= 17:
                sub.update(plan_id=plan, subscription_state="3_progress" if running
                           else "6_churn")
            else:
                sub["stage_category"] = "progress" if running else "closed"
            self.create("sale.order", sub)

    def seed_sale_barcodes(self):
        """EAN-13 barcodes on the first products, so quotes can find a product by scanning."""
        for i, pid in enumerate(self.products[:6]):
            self.env["product.product"]._write_one(pid, {"barcode": f"40113023220{i:02d}"})

    def run(self):
        self.seed_base()
        self.seed_ir_model()
        self.seed_mail()
        self.seed_customers()
        self.seed_fieldservice()
        reg = self.state.registry.classes
        if "product.template" in reg:
            self.seed_products()
        if "sale.order" in reg:
            self.seed_sales()
            self.seed_sale_barcodes()
        if "crm.lead" in reg:
            self.seed_crm()
            self.seed_crm_activities()
        if "stock.picking" in reg:
            self.seed_stock()
        if "helpdesk.ticket" in reg:
            self.seed_helpdesk()
        if "resource.calendar" in reg:
            self.seed_resource()
        if "x_client_asset" in reg and "helpdesk.ticket" in reg and "sale.order" in reg:
            self.seed_psa()
        self.seed_countries()
        self.seed_modules()
        self.seed_archived()
        self.seed_totp()
        self.seed_timesheets()
        self.seed_second_company()
        self.seed_oca_addons()
        if "account.move" in self.state.registry.classes:
            self.seed_accounting()
        demo_languages.seed_translations(self)

    def seed_accounting(self):
        """The main company's chart as l10n_generic_coa leaves it (the recorded 16 database got
        it installed; 18 had it): the customer invoice journal, Bank and Cash with their manual
        inbound method. The second company has none (its invoices are refused, as Odoo refuses
        a company without a sale journal). Last, so the ids seeded before stay the same."""
        acc = {code: self.create("account.account", {"code": code, "name": name,
                                                     "account_type": kind})
               for code, name, kind in (("121000", "Account Receivable", "asset_receivable"),
                                        ("400000", "Product Sales", "income"),
                                        ("101401", "Bank", "asset_cash"),
                                        ("101501", "Cash", "asset_cash"))}
        self.create("account.journal", {"name": "Customer Invoices", "code": "INV",
                                        "type": "sale", "sequence": 5,
                                        "default_account_id": acc["400000"],
                                        "company_id": self.company})
        for seq, (name, code, account) in enumerate((("Bank", "BNK1", "101401"),
                                                     ("Cash", "CSH1", "101501")), 6):
            journal = self.create("account.journal", {"name": name, "code": code,
                                                      "type": name.lower(), "sequence": seq,
                                                      "default_account_id": acc[account],
                                                      "company_id": self.company})
            self.create("account.payment.method.line", {"name": "Manual", "journal_id": journal,
                                                        "payment_type": "inbound"})
        # Invoices of confirmed orders, made as sale's wizard makes them: tech1's a draft (he
        # may not post), tech2's and the office's posted (the office's is its oldest order).
        wizard = self.env["sale.advance.payment.inv"]
        for login, post in (("tech1", False), ("tech2", True), ("office", True)):
            found = self.env["sale.order"]._search([("user_id", "=", self.users[login]),
                                                    ("state", "in", ["sale", "done"])],
                                                   limit=1, order="id", check=False)
            move = wizard._invoice_order(found[0]) if found else None
            if move and post:
                self.env["account.move"].action_post([move])

    def seed_archived(self):
        """Archived records every real database has (OdooBot's partner, the public user, the
        user templates), plus an archived customer and product, so that paths which must
        leave them out (active_test) meet some. Last, so the ids seeded before stay the same."""
        sudo = self.state.env(1, su=True)
        bot_partner = self.state.xmlids["base.partner_root"][1]
        sudo["res.partner"]._write_one(bot_partner, {"active": False})
        gfield = "groups_id" if self.version <= 18 else "group_ids"
        templates = [("public", "Public user", "base.public_user", "base.public_partner",
                      "base.group_public")]
        if self.version <= 17:  # 18 replaced the template user by default groups
            templates.append(("default", "Default User Template", "base.default_user",
                              "base.default_user_partner", "base.group_user"))
        templates.append(("portaltemplate", "Portal User Template",
                          "base.template_portal_user_id", None, "base.group_portal"))
        for login, name, user_xmlid, partner_xmlid, group in templates:
            partner = self.create("res.partner", {"name": name, "active": False,
                                                  "company_id": self.company}, partner_xmlid)
            self.create("res.users", {"login": login, "partner_id": partner, "active": False,
                                      "company_id": self.company,
                                      "company_ids": [(6, 0, [self.company])],
                                      gfield: [(6, 0, [self.gids[group]])]}, user_xmlid)
        self.archived_customer = self.create("res.partner", {
            "name": "Hollis & Grant Plumbing (closed)", "is_company": True, "active": False,
            "street": "12 Mill Rd", "city": "Hartford", "zip": "06105",
            "state_id": self.states["CT"], "country_id": self.us, "phone": "+1 860-555-0188",
            "email": "office@hollisgrant.example.com", "company_id": self.company})
        if "product.template" in self.state.registry.classes:
            vals = {"name": "Legacy thermostat TX-1 (discontinued)", "default_code": "FK-OLD1",
                    "list_price": 39.0, "sale_ok": True, "active": False}
            vals["type"] = "consu"
            tmpl = self.create("product.template", vals)
            for pid in self.env["product.template"].raw_value(tmpl, "product_variant_ids"):
                self.env["product.product"]._write_one(pid, {"active": False})

    def seed_modules(self):
        """The add-ons, installed or not, with their version as this server would list them
        (last, so the ids seeded before stay the same)."""
        from .models.modules import INSTALLED, UNINSTALLED
        version = f"{self.version}.0.1.0.0"
        for state, modules in (("installed", INSTALLED), ("uninstalled", UNINSTALLED)):
            for name, title in modules:
                self.create("ir.module.module", {"name": name, "shortdesc": title,
                                                 "state": state, "latest_version": version},
                            f"base.module_{name}")

    def seed_timesheets(self):
        """hr_timesheet: the project "Field service" (on every order when the emulator runs with
        fieldservice_project); tech1 has an employee (so timesheets), tech2 none (Odoo refuses
        their timesheet lines). Last, so the ids seeded before stay the same."""
        project = self.create("project.project", {"name": "Field service",
                                                  "allow_timesheets": True})
        self.create("hr.employee", {"name": "Tom Technician", "user_id": self.users["tech1"]})
        orders = self.env["fsm.order"]
        if "project_id" not in self.state.registry.fields["fsm.order"]:
            return
        for rid in list(orders.records):
            orders._write_one(rid, {"project_id": project})

    def seed_oca_addons(self):
        """The OCA add-ons the emulator runs with (models/oca_fieldservice.py) listed as
        installed, hr_timesheet too under fieldservice_timesheet; with
        fieldservice_account_analytic every location has its own analytic account (as its
        demo data does). Last, so the ids seeded before stay the same."""
        from .models import oca_fieldservice as oca
        addons = self.state.addons
        modules = self.env["ir.module.module"]
        for name in addons:
            self.create("ir.module.module", {
                "name": name, "shortdesc": oca.TITLES[name], "state": "installed",
                "latest_version": f"{self.version}.0.1.0.0"}, f"base.module_{name}")
        if oca.TIMESHEET in addons:
            for rid, rec in list(modules.records.items()):
                if rec.get("name") == "hr_timesheet":
                    modules._write_one(rid, {"state": "installed"})
        if oca.activity.ADDON in addons:
            self.seed_activity_templates()
        if oca.ANALYTIC in addons:
            locations = self.env["fsm.location"]
            for rid, rec in list(locations.records.items()):
                account = self.create("account.analytic.account", {
                    "name": rec.get("name") or f"Location {rid}",
                    "company_id": rec.get("company_id") or self.company})
                locations._write_one(rid, {"analytic_account_id": account})

    def seed_activity_templates(self):
        """fieldservice_activity: two templates with their activities (a checklist), and each
        technician's first two orders of today (9:00 boiler service, 11:30 safety inspection)
        made from them, so they carry copies of the activities (sequence 0, as Odoo copies)."""
        from .models import oca_fieldservice_activity as act
        templates = []
        for name, instructions, steps in ACTIVITY_TEMPLATES:
            templates.append(self.create("fsm.template", {
                "name": name, "instructions": instructions,
                "temp_activity_ids": [(0, 0, {"name": step, "required": required, "ref": ref,
                                              "sequence": n})
                                      for n, (step, required, ref) in enumerate(steps, 1)]}))
        orders = self.env["fsm.order"]
        for person in self.persons.values():
            first = sorted(rid for rid, rec in orders.records.items()
                           if rec.get("person_id") == person)[:len(templates)]
            for rid, template in zip(first, templates, strict=False):
                orders._write_one(rid, {"template_id": template})
                act.copy_template(orders, rid, template)

    def seed_totp(self):
        """tech2fa (password tech2fa): a technician with two-factor login (auth_totp), its
        secret `totp.demo_secret("tech2fa")` (last, so the ids seeded before stay the same)."""
        from .totp import demo_secret
        login, name = TOTP_USER
        pid = self.create("res.partner", {"name": name, "email": f"{login}@fieldkit.example.com",
                                          "tz": COMPANY_TZ, "company_id": self.company})
        gfield = "groups_id" if self.version <= 18 else "group_ids"
        uid = self.create("res.users", {
            "login": login, "password": login, "partner_id": pid, "company_id": self.company,
            "company_ids": [(6, 0, [self.company])], "totp_secret": demo_secret(login),
            gfield: [(6, 0, [self.gids[g] for g in security.TECH_GROUPS])]},
            f"fieldkit.user_{login}")
        self.users[login] = uid

    def seed_second_company(self):
        """A second company, "Fieldkit Services West", with its own customers, locations and
        orders (some for today, assigned to tech2co), a quote and a lead. tech2co and office2co
        (passwords as their logins) belong to both companies, the main one being current.
        No warehouse: 18 and 19 create none for a new company (s_co_warehouses_allowed_second).
        Last, so the ids seeded before stay the same and the main company's data is untouched."""
        v = self.version
        cpartner = self.create("res.partner", {
            "name": "Fieldkit Services West", "is_company": True, "street": "1200 Larimer St",
            "city": "Denver", "zip": "80204", "country_id": self.us, "tz": COMPANY_TZ,
            "phone": "+1 303-555-0100", "email": "west@fieldkit.example.com"})
        west = self.create("res.company", {"name": "Fieldkit Services West", "partner_id": cpartner,
                                           "currency_id": self.usd, "sequence": 10},
                           "fieldkit.company_west")
        self.env["res.partner"]._write_one(cpartner, {"company_id": west})
        self.west = west
        gfield = "groups_id" if v <= 18 else "group_ids"
        for login, name, groups in (("tech2co", "Wes Walker", security.TECH_GROUPS),
                                    ("office2co", "Opal Ortega", security.OFFICE_GROUPS)):
            pid = self.create("res.partner", {"name": name, "tz": COMPANY_TZ,
                                              "email": f"{login}@fieldkit.example.com"})
            uid = self.create("res.users", {
                "login": login, "password": login, "partner_id": pid,
                "company_id": self.company, "company_ids": [(6, 0, [self.company, west])],
                gfield: [(6, 0, [self.gids[g] for g in groups])]}, f"fieldkit.user_{login}")
            self.users[login] = uid
            self.create("res.users.apikeys", {"name": "Fieldkit demo key", "user_id": uid,
                                              "key": api_key_for(login), "scope": "rpc"})
        self.state.invalidate_groups()
        tech_partner = self.state.storage.data["res.users"][self.users["tech2co"]]["partner_id"]
        person = self.create("fsm.person", {"partner_id": tech_partner, "company_id": False},
                             "fieldkit.person_tech2co")
        env = self.state.env(self.users["office2co"], su=True).with_context(
            allowed_company_ids=[west], lang="en_US")
        customers, locations = [], []
        for name, street in (("Aspen Ridge Lodge", "40 Aspen Way"),
                             ("Front Range Brewing", "2210 Blake St"),
                             ("Mile High Dental", "915 Colfax Ave")):
            cid = env["res.partner"]._create_one({
                "name": name, "is_company": True, "street": street, "city": "Denver",
                "zip": "80202", "country_id": self.us, "company_id": west,
                "phone": "+1 303-555-01" + str(20 + len(customers)),
                "email": "info@" + name.lower().replace(" ", "") + ".example.com"})
            customers.append(cid)
            lid = env["fsm.location"]._create_one({
                "name": f"{name} - Main", "owner_id": cid, "contact_id": cid, "street": street,
                "city": "Denver", "zip": "80202", "country_id": self.us, "company_id": west})
            # In Odoo the location's company is its partner's (_inherits); here both hold it.
            env["res.partner"]._write_one(env["fsm.location"].records[lid]["partner_id"],
                                          {"company_id": west})
            locations.append(lid)
        today = self.local_today(COMPANY_TZ)
        open_key = self._open_stages(True)[0] if v <= 17 else "new"
        for n, (days, hour, assigned, kind) in enumerate((
                (0, 8, True, "open"), (0, 10, True, "open"), (0, 13, True, "open"),
                (1, 9, True, "open"), (0, 15, False, "open"), (-1, 9, True, "completed"))):
            start = _utc(today + dt.timedelta(days=days), hour, 0, COMPANY_TZ)
            problem = PROBLEMS[(n + 3) % len(PROBLEMS)]
            vals = {"location_id": locations[n % len(locations)], "company_id": west,
                    "person_id": person if assigned else False, "scheduled_date_start": start,
                    "scheduled_duration": 1.5, "priority": "0",
                    "description": problem if v <= 17 else f"<p>{problem}</p>",
                    "stage_id": self.stage[open_key if assigned else "new"]}
            if kind == "completed":
                end = (dt.datetime.strptime(start, "%Y-%m-%d %H:%M:%S") + dt.timedelta(hours=1))
                vals.update(date_start=start, date_end=end.strftime("%Y-%m-%d %H:%M:%S"),
                            stage_id=self.stage["completed"],
                            resolution=RESOLUTIONS[0] if v <= 17 else f"<p>{RESOLUTIONS[0]}</p>")
            env["fsm.order"]._create_one(vals)
        reg = self.state.registry.classes
        if "sale.order" in reg:
            env["sale.order"]._create_one({
                "partner_id": customers[0], "user_id": self.users["office2co"],
                "company_id": west, "order_line": [(0, 0, {"product_id": self.products[0],
                                                           "product_uom_qty": 2.0})]})
        if "crm.lead" in reg:
            env["crm.lead"]._create_one({
                "name": "Front Range Brewing: Walk-in cooler service", "type": "opportunity",
                "partner_id": customers[1], "user_id": self.users["office2co"],
                "company_id": west, "expected_revenue": 2400.0, "probability": 30.0,
                "stage_id": self.state.xmlids["crm.stage_lead1"][1]})

    def seed_countries(self):
        """More countries for phone numbers read in another country's format (last, so the
        ids seeded before stay the same)."""
        for code, name in (("BE", "Belgium"), ("CA", "Canada"), ("GB", "United Kingdom"),
                           ("FR", "France"), ("MX", "Mexico")):
            self.create("res.country", {"name": name, "code": code}, f"base.{code.lower()}")


def seed(state):
    Seeder(state).run()


def _demo_logo(size=96):
    """The demo company's logo: a small PNG (blue square, white bar), base64 as Odoo stores it."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))
    rows = b"".join(
        b"\x00" + b"".join(b"\xff\xff\xff" if size // 3 < y < size // 2 and 12 < x < size - 12
                           else b"\x0b\x5c\xad" for x in range(size))
        for y in range(size))
    png = (b"\x89PNG\r\n\x1a\n"
           + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return base64.b64encode(png).decode()
