"""Languages as Odoo has them: res.lang, users' and partners' lang (a selection of the installed
languages), the session's user_context.lang and translatable fields read in the context's lang."""

import pytest

FR, ES, DE, NL = ({"lang": code} for code in ("fr_FR", "es_ES", "de_DE", "nl_BE"))


def _error(body):
    return body["error"]["data"]["message"]


def test_installed_languages(emu, client_for):
    c = client_for(emu, "tech1")
    assert c.ok("res.lang", "get_installed") == [
        ["nl_BE", "Dutch (BE) / Nederlands (BE)"], ["en_US", "English (US)"],
        ["fr_FR", "French / Français"], ["de_DE", "German / Deutsch"],
        ["es_ES", "Spanish / Español"]]
    inactive = c.ok("res.lang", "search_read", [["active", "=", False]], fields=["code"])
    assert "it_IT" in {r["code"] for r in inactive}
    french = c.ok("res.lang", "search_read", [["code", "=", "fr_FR"]],
                  fields=["decimal_point", "week_start", "date_format"])[0]
    assert (french["decimal_point"], french["week_start"], french["date_format"]) == (
        ",", "1", "%d/%m/%Y")
    field = c.ok("res.partner", "fields_get", ["lang"])["lang"]
    assert ["fr_FR", "French / Français"] in field["selection"]
    assert all(code != "it_IT" for code, _ in field["selection"])


@pytest.mark.parametrize("version", [16, 19])
def test_session_speaks_the_users_language(emulators, client_for, version):
    c = client_for(emulators(version))
    assert c.login("tech5")["user_context"]["lang"] == "fr_FR"
    assert c.login("tech6")["user_context"]["lang"] == "es_ES"
    assert c.login("tech1")["user_context"]["lang"] == "en_US"
    assert c.ok("res.users", "context_get")["lang"] == "en_US"


def test_a_language_not_installed_is_refused(fresh, client_for):
    admin = client_for(fresh, "admin")
    partner = admin.ok("res.partner", "search", [["name", "=", "Maple Street Dental"]])
    body = admin.call("res.partner", "write", partner, {"lang": "it_IT"})
    assert _error(body) == "Wrong value for res.partner.lang: 'it_IT'"
    uid = admin.ok("res.users", "search", [["login", "=", "tech1"]])
    assert _error(admin.call("res.users", "write", uid, {"lang": "xx_XX"})) == \
        "Wrong value for res.users.lang: 'xx_XX'"
    assert admin.ok("res.partner", "write", partner, {"lang": "nl_BE"}) is True
    # a language in use stays active
    nl = admin.ok("res.lang", "search", [["code", "=", "fr_FR"]])
    assert "used by users" in _error(admin.call("res.lang", "write", nl, {"active": False}))


def test_preferences_a_user_changes_their_own_language_only(fresh, client_for):
    office = client_for(fresh, "office")
    me = office.login("office")["uid"]
    assert office.ok("res.users", "write", [me], {"lang": "de_DE"}) is True
    assert office.login("office")["user_context"]["lang"] == "de_DE"
    other = office.ok("res.users", "search", [["login", "=", "tech1"]])
    assert office.call("res.users", "write", other, {"lang": "de_DE"})["error"]["data"][
        "name"] == "odoo.exceptions.AccessError"
    # Preferences are the safe fields only: anything else follows the access rights
    assert "error" in office.call("res.users", "write", [me], {"lang": "fr_FR", "login": "x"})


def test_translated_names_in_the_contexts_language(emu, client_for):
    c = client_for(emu, "tech5")
    stages = {r["id"]: r["name"] for r in c.ok("crm.stage", "search_read", [], fields=["name"],
                                                context=FR)}
    english = {r["id"]: r["name"] for r in c.ok("crm.stage", "search_read", [],
                                                 fields=["name"])}
    assert english[min(english)] == "New" and stages[min(stages)] == "Nouveau"
    assert "Gagné" in stages.values()
    won = c.ok("crm.stage", "web_read", [max(stages)], {"name": {}}, context=DE)
    assert won == [{"id": max(stages), "name": "Gewonnen"}]
    # a product: name, display name, name_search, search and order in the language
    found = c.ok("product.product", "name_search", "Luchtfilter", context=NL)
    assert found and found[0][1] == "[HVAC-FLT-16] Luchtfilter 16x25x1"
    assert c.ok("product.product", "name_search", "Luchtfilter") == []
    names = [r["name"] for r in c.ok("product.product", "search_read",
                                     [["default_code", "=like", "SRV-%"]], fields=["name"],
                                     order="name", context=ES)]
    assert names == sorted(names) and "Mano de obra (hora)" in names
    uom = c.ok("product.product", "search_read", [["default_code", "=", "SRV-LABOR"]],
               fields=["uom_id"], context=FR)[0]["uom_id"]
    assert uom[1] == "Heures"


def test_what_odoo_does_not_translate_stays_as_created(emu, client_for):
    c = client_for(emu, "tech5")
    # OCA fieldservice: fsm.stage's name is not translatable
    stages = c.ok("fsm.stage", "search_read", [["stage_type", "=", "order"]], fields=["name"],
                  context=FR)
    assert "Completed" in {s["name"] for s in stages}
    # fsm.team is, but OCA's German file leaves "Default Team" untranslated: en_US then
    assert c.ok("fsm.team", "search_read", [], fields=["name"], context=DE)[0]["name"] == \
        "Default Team"
    assert c.ok("fsm.team", "search_read", [], fields=["name"], context=FR)[0]["name"] == \
        "Équipe par défaut"
    # an inactive language reads en_US
    assert c.ok("crm.stage", "search_read", [], fields=["name"], limit=1,
                context={"lang": "it_IT"})[0]["name"] == "New"


def test_writing_in_a_language_changes_that_language_only(fresh, client_for):
    admin = client_for(fresh, "admin")
    stage = admin.ok("crm.stage", "search", [["name", "=", "Qualified"]])
    assert admin.ok("crm.stage", "write", stage, {"name": "Qualifiée"}, context=FR) is True
    assert admin.ok("crm.stage", "read", stage, ["name"], context=FR)[0]["name"] == "Qualifiée"
    assert admin.ok("crm.stage", "read", stage, ["name"])[0]["name"] == "Qualified"
    assert admin.ok("crm.stage", "read", stage, ["name"], context=ES)[0]["name"] == \
        "Calificado"
    assert admin.ok("crm.stage", "write", stage, {"name": "Qualified lead"}) is True
    assert admin.ok("crm.stage", "read", stage, ["name"], context=FR)[0]["name"] == "Qualifiée"
    # created in French: French and English get the value
    new = admin.ok("crm.stage", "create", {"name": "Relance"}, context=FR)
    assert admin.ok("crm.stage", "read", [new], ["name"])[0]["name"] == "Relance"


def test_the_belgian_customer_and_tech5s_job(fresh, client_for):
    admin = client_for(fresh, "admin")
    customer = admin.ok("res.partner", "search_read", [["name", "=", "Bakkerij Peeters"]],
                        fields=["lang", "country_id", "tz"], context=NL)[0]
    assert customer["lang"] == "nl_BE" and customer["tz"] == "Europe/Brussels"
    assert customer["country_id"][1] == "België"
    tech5 = client_for(fresh, "tech5")
    jobs = tech5.ok("fsm.order", "search_read", [["location_id.owner_id", "=", customer["id"]]],
                    fields=["person_id", "stage_id"])
    assert len(jobs) == 1 and jobs[0]["person_id"][1] == "Tyler Tanaka"
    # a quote's line describes the product in the customer's language, whoever writes it
    product = admin.ok("product.product", "search", [["default_code", "=", "SRV-DIAG"]])[0]
    order = admin.ok("sale.order", "create", {"partner_id": customer["id"], "order_line": [
        [0, 0, {"product_id": product, "product_uom_qty": 1}]]}, context=FR)
    line = admin.ok("sale.order.line", "search_read", [["order_id", "=", order]],
                    fields=["name"])[0]
    assert line["name"] == "[SRV-DIAG] Diagnosebezoek"


def test_odoo_refuses_in_the_users_language(emu, client_for):
    """Odoo's own messages come in the context's language (tech6 has no email)."""
    tech6 = client_for(emu, "tech6")
    job = tech6.ok("fsm.order", "search", [["person_id.user_ids.login", "=", "tech6"]],
                   limit=1)
    spanish = tech6.call("fsm.order", "message_post", job, body="hola",
                         message_type="comment", context=ES)
    assert _error(spanish) == ("No se puede enviar el mensaje, configure la dirección de "
                               "correo electrónico del remitente.")
    english = tech6.call("fsm.order", "message_post", job, body="hi", message_type="comment")
    assert _error(english) == \
        "Unable to send message, please configure the sender's email address."


def test_selection_labels_in_the_users_language(emu, client_for):
    c = client_for(emu, "office")
    states = dict(c.ok("sale.order", "fields_get", ["state"], attributes=["selection"],
                       context=FR)["state"]["selection"])
    assert states["draft"] == "Devis" and states["sale"] == "Bon de commande"
    english = dict(c.ok("sale.order", "fields_get", ["state"],
                        attributes=["selection"])["state"]["selection"])
    assert english["draft"] == "Quotation"


@pytest.mark.parametrize("version", [15, 19])
def test_translations_on_every_version(emulators, client_for, version):
    """15 keeps translations in ir.translation, 16+ in JSONB: the wire is the same."""
    c = client_for(emulators(version), "tech5")
    stage = c.ok("crm.stage", "search_read", [["is_won", "=", True]], fields=["name"],
                 context=FR)
    assert stage[0]["name"] == "Gagné"
    found = c.ok("product.product", "name_search", "Filtre à air", limit=5, context=FR)
    assert {name for _, name in found} >= {"[HVAC-FLT-16] Filtre à air 16x25x1"}


def test_a_contact_created_in_a_language_speaks_it(fresh, client_for):
    """res.partner.lang defaults to the creator's language (env.lang), as in Odoo: none
    without a context (call_kw replaces the session's context with the one sent)."""
    office = client_for(fresh, "office")
    french = office.ok("res.partner", "create", {"name": "Boulangerie Martin"}, context=FR)
    english = office.ok("res.partner", "create", {"name": "Corner Bakery"},
                        context={"lang": "en_US"})
    bare = office.ok("res.partner", "create", {"name": "No Context Ltd"})
    langs = {r["id"]: r["lang"] for r in office.ok("res.partner", "read",
                                                   [french, english, bare], ["lang"])}
    assert langs == {french: "fr_FR", english: "en_US", bare: False}
    demo = office.ok("res.partner", "search_read", [["name", "=", "Maple Street Dental"]],
                     fields=["lang"])
    assert demo[0]["lang"] == "en_US"
