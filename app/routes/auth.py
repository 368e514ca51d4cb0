"""Login and logout through Odoo, and the home redirect."""
import logging

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.routing import BuildError
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Regexp

from app.navigation import OFFICE_ROLES, nav_sections
from app.odoo.client import AccessDenied, OdooError, TwoFactorExpired
from app.platform import login_throttle, metrics
from app.platform.i18n import _, lazy_gettext
from app.security import (
    INSECURE_COOKIE_MESSAGE,
    insecure_cookie_transport,
    is_logged_in,
    login_required,
    safe_next,
)
from app.services import auth, two_factor
from app.services import companies as company_choice
from app.validation import HTMLForm

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)

HOME_ENDPOINT = "jobs.active"
HOME_PATH = "/jobs/active"
OFFICE_HOME_ENDPOINT = "dashboard.index"
# Managers land on the technicians' scorecard, the page the office does not have.
MANAGER_HOME_ENDPOINT = "team.technicians"


class LoginForm(HTMLForm):
    login = StringField(lazy_gettext("Login"), validators=[InputRequired()], render_kw={
        "autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    password = PasswordField(lazy_gettext("Password"), validators=[InputRequired()],
                             render_kw={"autocomplete": "current-password"})
    database = SelectField(lazy_gettext("Database"), choices=[])

    def offer_databases(self, names):
        """Show the database choice only when the server lists several."""
        if len(names) > 1:
            self.database.choices = [(name, name) for name in names]
        else:
            del self.database

    @property
    def chosen_database(self):
        return self.database.data if "database" in self else None


class CodeForm(HTMLForm):
    code = StringField(lazy_gettext("6-digit code"), validators=[
        InputRequired(lazy_gettext("Type the 6-digit code from your authenticator app.")),
        Regexp(r"^\s*\d{6}\s*$", message=lazy_gettext("The code is 6 digits, like 123456."))],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 8,
                   "pattern": "[0-9 ]*", "autofocus": True})
    remember = BooleanField(lazy_gettext("Trust this device: no code here for the next 90 days"))


def home_url():
    """Where a logged-in user lands: the office its dashboard, technicians their day (even
    before the jobs blueprint is there); managers the technicians' scorecard."""
    if session.get("role") == "manager" and MANAGER_HOME_ENDPOINT in current_app.view_functions:
        return url_for(MANAGER_HOME_ENDPOINT)
    if session.get("role") in OFFICE_ROLES and OFFICE_HOME_ENDPOINT in current_app.view_functions:
        return url_for(OFFICE_HOME_ENDPOINT)
    try:
        return url_for(HOME_ENDPOINT)
    except BuildError:
        return HOME_PATH


@bp.get("/")
def index():
    return redirect(home_url() if is_logged_in() else url_for("auth.login"))


@bp.route("/login", methods=("GET", "POST"))
def login():
    target = safe_next(request.args.get("next"), home_url())
    if is_logged_in():
        return redirect(target)
    form = LoginForm()
    form.offer_databases(auth.database_choices())
    status = 200
    if form.validate_on_submit():
        login_name = form.login.data.strip()
        try:
            with login_throttle.login_attempt(login_name, request.remote_addr):
                user = auth.log_in(login_name, form.password.data, form.chosen_database)
        except auth.CodeNeeded as exc:
            metrics.count_login("two_factor")
            two_factor.hold(exc.pending)
            return redirect(url_for("auth.login_code", next=request.args.get("next")))
        except login_throttle.TooManyAttempts as exc:
            log.warning("login throttled for %r from %s", login_name, request.remote_addr)
            metrics.count_login("throttled")
            form.form_errors.append(exc.user_message)
            status = 429
        except OdooError as exc:  # wrong password, 2FA, Odoo down, unknown database...
            metrics.count_login(error=exc)
            log.log(logging.INFO if isinstance(exc, AccessDenied) else logging.WARNING,
                    "login refused for %r: %s %s", login_name, exc.odoo_name, exc)
            form.form_errors.append(exc.user_message)
        else:
            metrics.count_login()
            auth.start_session(user)
            # The home depends on the role, known only now.
            return redirect(safe_next(request.args.get("next"), home_url()))
    insecure = insecure_cookie_transport() and str(INSECURE_COOKIE_MESSAGE)
    return render_template("auth/login.html", form=form, insecure=insecure), status


@bp.route("/login/code", methods=("GET", "POST"))
def login_code():
    """The second step of a two-factor login: the 6-digit code, throttled like passwords."""
    pending = two_factor.pending_login()
    if pending is None:
        flash(str(TwoFactorExpired.default_user_message), "warning")
        return redirect(url_for("auth.login", next=request.args.get("next")))
    form = CodeForm()
    if not pending.get("remember"):  # this Odoo offers no trusted devices
        del form.remember
    status = 200
    if form.validate_on_submit():
        remember = "remember" in form and form.remember.data
        try:
            with login_throttle.login_attempt(pending["login"], request.remote_addr):
                user, device = auth.complete_two_factor(pending, form.code.data.strip(),
                                                        remember)
        except TwoFactorExpired as exc:
            two_factor.drop()
            flash(exc.user_message, "warning")
            return redirect(url_for("auth.login", next=request.args.get("next")))
        except login_throttle.TooManyAttempts as exc:
            metrics.count_login("throttled")
            form.form_errors.append(exc.user_message)
            status = 429
        except OdooError as exc:  # wrong or reused code, Odoo down
            metrics.count_login(error=exc)
            log.info("two-factor code refused for %r: %s", pending["login"], exc)
            two_factor.hold(pending)  # Odoo may have rotated its half-done session
            form.form_errors.append(exc.user_message)
        else:
            metrics.count_login()
            auth.start_session(user)
            response = redirect(safe_next(request.args.get("next"), home_url()))
            return two_factor.remember_device(response, pending["login"], device) \
                if device else response
    return render_template("auth/code.html", form=form), status


@bp.post("/logout")
def logout():
    auth.log_out()
    flash(_("You are logged out."), "info")
    response = redirect(url_for("auth.login"))
    # Pages of this user may sit in the HTTP cache; the service worker clears its own caches.
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.app_template_global("company_menu")
def company_menu():
    """The user menu's company switcher (None with one company), and where a switch returns:
    this page, or its section's list when the page shows one record (which the other company
    may not see)."""
    menu = company_choice.menu(session)
    if menu is None:
        return None
    back = request.full_path.rstrip("?") if request.method == "GET" else home_url()
    if request.view_args:
        back = next((item.url for item in nav_sections() if item.active), home_url())
    return {**menu, "back": back}


@bp.app_template_global("several_companies")
def several_companies():
    """True when lists name each record's company (several companies active)."""
    return company_choice.several_active(session)


@bp.app_template_global("company_column")
def company_column():
    """The Company column of a list table, when several companies are active (else none)."""
    return [{"key": "company", "label": _("Company")}] if several_companies() else []


@bp.route("/company", methods=("GET", "POST"))
@login_required
def company():
    """Switch companies like Odoo's switcher: one current company (first in
    allowed_company_ids, the default of new records), others shown beside it."""
    back = safe_next(request.values.get("next"), home_url())
    if request.method == "POST":
        try:
            ids = company_choice.choose(session, request.form.get("company_id"),
                                        request.form.getlist("company_ids"))
        except company_choice.CompanyChoiceError as exc:
            return render_template("auth/company.html", error=exc.user_message,
                                   switch_back=back), 422
        company_choice.switch(session, ids)
        flash(_("Now working in %(companies)s.", companies=company_choice.label(session)),
              "success")
        return redirect(back)
    if company_choice.menu(session) is None:
        return redirect(back)
    return render_template("auth/company.html", switch_back=back)
