"""The demo's languages: what res.lang holds, who speaks what, and the translated names.

Installed (active): English (US), French, Spanish, German and Dutch (BE), as a Belgian or
French company loads them in Settings > Languages; a few more exist inactive, as Odoo's base
data creates every language. ``tech5`` works in French (fr_FR), ``tech6`` in Spanish (es_ES);
the Belgian customer "Bakkerij Peeters" (nl_BE, in Ghent) has one of tech5's jobs today.

Translations are stored only where Odoo translates (``translate=True`` fields): Odoo's own
terms from its .po files for what its modules create (CRM stages, lost reasons, activity types,
units, countries, OCA fieldservice's default team, which OCA's de/nl files leave untranslated),
and the company's own translations of its products. fsm.stage names are not translatable in
OCA fieldservice (``name = fields.Char(required=True)``): they stay as created, in English.
"""

# code, name, iso_code, url_code, date_format, week_start, decimal_point, thousands_sep, active
# (base/data/res.lang.csv; Odoo 16+ groups "[3,0]" and uses a narrow no-break space in French)
LANGS = [
    ("en_US", "English (US)", "en", "en", "%m/%d/%Y", "7", ".", ",", True),
    ("fr_FR", "French / Français", "fr", "fr", "%d/%m/%Y", "1", ",", "\u202f", True),
    ("es_ES", "Spanish / Español", "es", "es", "%d/%m/%Y", "1", ",", ".", True),
    ("de_DE", "German / Deutsch", "de", "de", "%d.%m.%Y", "1", ",", ".", True),
    ("nl_BE", "Dutch (BE) / Nederlands (BE)", "nl_BE", "nl_BE", "%d-%m-%Y", "1", ",", ".",
     True),
    ("nl_NL", "Dutch / Nederlands", "nl", "nl", "%d-%m-%Y", "1", ",", ".", False),
    ("fr_BE", "French (BE) / Français (BE)", "fr_BE", "fr_BE", "%d/%m/%Y", "1", ",", ".", False),
    ("it_IT", "Italian / Italiano", "it", "it", "%d/%m/%Y", "1", ",", ".", False),
    ("pt_BR", "Portuguese (BR) / Português (BR)", "pt_BR", "pt_BR", "%d/%m/%Y", "7", ",", ".",
     False),
]

USER_LANGS = {"tech5": "fr_FR", "tech6": "es_ES"}

LANG_ORDER = ("fr_FR", "es_ES", "de_DE", "nl_BE")

# model -> field -> English source -> translations in LANG_ORDER (None: Odoo has none)
TRANSLATIONS = {
    "crm.stage": {"name": {
        "New": ("Nouveau", "Nuevo", "Neu", "Nieuw"),
        "Qualified": ("Qualifié", "Calificado", "Qualifiziert", "Gekwalificeerd"),
        "Proposition": ("Proposition", "Propuesta", "Angebot", "Voorstel"),
        "Won": ("Gagné", "Ganado", "Gewonnen", "Gewonnen"),
    }},
    "crm.lost.reason": {"name": {
        "Too expensive": ("Trop cher", "Demasiado caro", "Zu teuer", "Te duur"),
        "We don't have people/skills": (
            "Nous n'avons pas les ressources/compétences", "No tenemos personal/habilidades",
            "Uns fehlen Mitarbeiter/Fähigkeiten", "We hebben geen mensen/vaardigheden"),
        "Not enough stock": ("Pas assez de stock", "No hay suficiente stock",
                             "Nicht genug Bestand", "Niet genoeg voorraad"),
    }},
    "mail.activity.type": {"name": {
        "Email": ("E-mail", "Correo electrónico", "E-Mail", "E-mail"),
        "Call": ("Appel", "Llamada", "Anruf", "Telefoongesprek"),
        "Meeting": ("Réunion", "Reunión", "Meeting", "Vergadering"),
        "To-Do": ("À faire", "Por hacer", "To-Do", "Te doen"),
    }},
    "uom.uom": {"name": {
        "Units": ("Unité(s)", "Unidades", "Stück", "Stuks"),
        "Hours": ("Heures", "Horas", "Stunden", "Uren"),
    }},
    "res.country": {"name": {
        "United States": ("États-Unis", "Estados Unidos", "Vereinigte Staaten",
                          "Verenigde Staten"),
        "Belgium": ("Belgique", "Bélgica", "Belgien", "België"),
        "France": ("France", "Francia", "Frankreich", "Frankrijk"),
        "Mexico": ("Mexique", "México", "Mexiko", "Mexico"),
    }},
    # OCA fieldservice i18n: fr_FR.po / es.po; de.po has it untranslated, there is no nl.po
    "fsm.team": {"name": {
        "Default Team": ("Équipe par défaut", "Equipo Predeterminado", None, None),
    }},
    # The company's own translations of its products (Sales > Products, per language)
    "product.template": {"name": {
        "Air Filter 16x25x1": ("Filtre à air 16x25x1", "Filtro de aire 16x25x1",
                               "Luftfilter 16x25x1", "Luchtfilter 16x25x1"),
        "Air Filter 20x25x1": ("Filtre à air 20x25x1", "Filtro de aire 20x25x1",
                               "Luftfilter 20x25x1", "Luchtfilter 20x25x1"),
        "Run Capacitor 45/5 MFD": ("Condensateur de marche 45/5 µF",
                                   "Condensador de marcha 45/5 µF",
                                   "Betriebskondensator 45/5 µF", "Bedrijfscondensator 45/5 µF"),
        "Contactor 30A 24V": ("Contacteur 30 A 24 V", "Contactor 30 A 24 V", "Schütz 30 A 24 V",
                              "Magneetschakelaar 30 A 24 V"),
        "Smart Thermostat": ("Thermostat connecté", "Termostato inteligente",
                             "Smart-Thermostat", "Slimme thermostaat"),
        "Fan Belt A-Section": ("Courroie de ventilateur section A",
                               "Correa de ventilador sección A", "Keilriemen Profil A",
                               "V-snaar profiel A"),
        "Condenser Fan Motor 1/2 HP": ("Moteur de ventilateur de condenseur 1/2 CV",
                                       "Motor del ventilador del condensador 1/2 CV",
                                       "Kondensatorlüftermotor 1/2 PS",
                                       "Condensorventilatormotor 1/2 pk"),
        "Refrigerant R-410A (lb)": ("Fluide frigorigène R-410A (lb)", "Refrigerante R-410A (lb)",
                                    "Kältemittel R-410A (lb)", "Koudemiddel R-410A (lb)"),
        "Hot Surface Igniter": ("Allumeur à surface chaude", "Encendedor de superficie caliente",
                                "Glühzünder", "Gloeiontsteker"),
        "Flame Sensor": ("Sonde de flamme", "Sensor de llama", "Flammenfühler", "Vlamsensor"),
        "Condensate Pump": ("Pompe de relevage des condensats", "Bomba de condensados",
                            "Kondensatpumpe", "Condensaatpomp"),
        "Duct Tape Foil 60yd": ("Ruban adhésif aluminium 60 yd", "Cinta de aluminio 60 yd",
                                "Aluminium-Klebeband 60 yd", "Aluminiumtape 60 yd"),
        "Coil Cleaner Spray": ("Nettoyant pour batteries en aérosol",
                               "Limpiador de serpentines en spray",
                               "Wärmetauscher-Reinigungsspray", "Reinigingsspray voor batterijen"),
        "Heat Pump 3 Ton": ("Pompe à chaleur 3 tonnes", "Bomba de calor 3 toneladas",
                            "Wärmepumpe 3 Tonnen", "Warmtepomp 3 ton"),
        "Air Handler 3 Ton": ("Centrale de traitement d'air 3 tonnes",
                              "Unidad de tratamiento de aire 3 toneladas",
                              "Lüftungsgerät 3 Tonnen", "Luchtbehandelingskast 3 ton"),
        "Water Heater 50 gal": ("Chauffe-eau 50 gal", "Calentador de agua 50 gal",
                                "Warmwasserbereiter 50 gal", "Boiler 50 gal"),
        "Expansion Valve": ("Détendeur", "Válvula de expansión", "Expansionsventil",
                            "Expansieventiel"),
        "Temperature Sensor": ("Sonde de température", "Sensor de temperatura",
                               "Temperaturfühler", "Temperatuursensor"),
        "Control Board": ("Carte électronique de commande", "Placa de control",
                          "Steuerplatine", "Besturingsprint"),
        "Blower Wheel": ("Turbine de ventilateur", "Turbina del ventilador", "Gebläserad",
                         "Ventilatorwaaier"),
        "Labor (hour)": ("Main-d'œuvre (heure)", "Mano de obra (hora)", "Arbeitszeit (Stunde)",
                         "Arbeidsloon (uur)"),
        "Diagnostic Visit": ("Visite de diagnostic", "Visita de diagnóstico", "Diagnosebesuch",
                             "Diagnosebezoek"),
        "Maintenance Plan (year)": ("Contrat d'entretien (an)", "Plan de mantenimiento (año)",
                                    "Wartungsvertrag (Jahr)", "Onderhoudscontract (jaar)"),
        "Emergency Call-out": ("Dépannage d'urgence", "Servicio de urgencia",
                               "Notdiensteinsatz", "Spoedinterventie"),
        "Installation Service": ("Installation", "Servicio de instalación",
                                 "Installationsservice", "Installatiedienst"),
    }},
}

# The Belgian customer (Flemish: Dutch), its contact and its site
BELGIAN_CUSTOMER = {
    "name": "Bakkerij Peeters", "is_company": True, "street": "Kortrijksesteenweg 112",
    "city": "Gent", "zip": "9000", "phone": "+32 9 224 18 35", "lang": "nl_BE",
    "email": "info@bakkerijpeeters.example.com", "tz": "Europe/Brussels",
}
BELGIAN_CONTACT = {"name": "Sofie Peeters", "type": "contact", "phone": "+32 474 12 34 56",
                   "email": "sofie.peeters@example.com", "lang": "nl_BE"}


def seed_langs(seeder):
    """res.lang first: partners and users validate their lang against the active ones."""
    for code, name, iso, url, date_fmt, week, dec, thousands, active in LANGS:
        seeder.create("res.lang", {
            "code": code, "name": name, "iso_code": iso, "url_code": url, "active": active,
            "date_format": date_fmt, "time_format": "%H:%M:%S", "week_start": week,
            "grouping": "[3,0]", "decimal_point": dec, "thousands_sep": thousands},
            "base.lang_en" if code == "en_US" else f"base.lang_{code}")


def seed_translations(seeder):
    """Users' languages, the translated names, and the Belgian customer with tech5's job
    (last, so the ids and random values seeded before stay the same)."""
    env = seeder.env
    data = seeder.state.storage.data
    for login, lang in USER_LANGS.items():
        env["res.users"]._write_one(seeder.users[login], {"lang": lang})
    for model, fields in TRANSLATIONS.items():
        if model not in seeder.state.registry.classes:
            continue
        for rid, rec in data.get(model, {}).items():
            for fname, table in fields.items():
                terms = table.get(rec.get(fname))
                for lang, term in zip(LANG_ORDER, terms or (), strict=False):
                    if term:
                        env.with_context(lang=lang)[model]._write_one(rid, {fname: term})
    _seed_belgian_customer(seeder)


def _seed_belgian_customer(seeder):
    data = seeder.state.storage.data
    be = seeder.state.xmlids["base.be"][1]
    partner = seeder.create("res.partner", {**BELGIAN_CUSTOMER, "country_id": be,
                                            "company_id": seeder.company})
    seeder.create("res.partner", {**BELGIAN_CONTACT, "parent_id": partner})
    location = seeder.create("fsm.location", {
        "name": "Bakkerij Peeters - Main", "owner_id": partner, "contact_id": partner,
        "street": BELGIAN_CUSTOMER["street"], "city": "Gent", "zip": "9000", "country_id": be,
        "phone": BELGIAN_CUSTOMER["phone"], "lang": "nl_BE", "tz": "Europe/Brussels",
        "direction": "Achteringang, naast de garage"})
    seeder.create("fsm.equipment", {"name": "Walk-in freezer", "location_id": location,
                                    "current_location_id": location, "owner_id": partner,
                                    "serial": "SN-BE-2041"})
    # tech5's second open job today moves to the Belgian bakery (no job is added: the demo's
    # counts stay as they are)
    person = seeder.persons["tech5"]
    today = seeder.local_today(seeder.state.user_tz(seeder.users["tech5"]))
    mine = sorted((rec.get("scheduled_date_start") or "", rid)
                  for rid, rec in data["fsm.order"].items()
                  if rec.get("person_id") == person and not _closed(data, rec)
                  and _local_day(seeder, rec) == today)
    if len(mine) >= 2:
        seeder.env["fsm.order"]._write_one(mine[1][1], {"location_id": location})


def _closed(data, rec):
    return data["fsm.stage"].get(rec.get("stage_id"), {}).get("is_closed")


def _local_day(seeder, rec):
    import datetime as dt
    from zoneinfo import ZoneInfo
    start = rec.get("scheduled_date_start")
    if not start:
        return None
    utc = dt.datetime.strptime(start, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
    return utc.astimezone(ZoneInfo(seeder.state.user_tz(seeder.users["tech5"]))).date()
