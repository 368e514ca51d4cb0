"""The run command a newcomer types (issue 34): ports that are configurable, a busy port that is
either replaced (default) or refused with the variable to set (chosen), `.env` read before the
ports, the demo logins the README lists all logging in (two-factor with what the run command
prints), and the demo's texts that succeed unless switched off."""
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyotp
import pytest
import requests

import run

ROOT = Path(__file__).resolve().parents[2]


def held_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock, sock.getsockname()[1]


def free_port():
    sock, port = held_port()
    sock.close()
    return port


# --- choosing ports ---------------------------------------------------------------------------

def test_a_busy_default_port_is_replaced_and_said(monkeypatch):
    sock, busy = held_port()
    with sock:
        monkeypatch.setitem(run.PORTS, "EMULATOR_PORT", busy)
        port, message = run.choose_port("EMULATOR_PORT", environ={})
    assert port != busy and port > busy
    assert f"Port {busy} is in use" in message and "EMULATOR_PORT" in message


def test_a_busy_port_you_chose_stops_with_the_variable_to_set():
    sock, busy = held_port()
    with sock, pytest.raises(run.PortBusy, match="set FAKE_RMM_PORT to a free port"):
        run.choose_port("FAKE_RMM_PORT", environ={"FAKE_RMM_PORT": str(busy)})
    with pytest.raises(run.PortBusy, match="is not a port number"):
        run.choose_port("PORT", environ={"PORT": "five thousand"})


def test_a_free_port_is_kept_and_two_services_never_share_one(monkeypatch):
    port = free_port()
    assert run.choose_port("PORT", environ={"PORT": str(port)}) == (port, None)
    assert run.choose_port("PORT", environ={"PORT": ""})[0] >= run.PORTS["PORT"]
    monkeypatch.setattr(run, "PORTS", {"PORT": port, "EMULATOR_PORT": port,
                                       "FAKE_RMM_PORT": port})
    chosen = run.choose_ports(environ={})
    assert len(set(chosen.values())) == 3


def test_the_demo_has_sms_credit_unless_switched_off():
    assert run.sms_credit_on({}) and run.sms_credit_on({"EMULATOR_SMS_CREDIT": "true"})
    assert not run.sms_credit_on({"EMULATOR_SMS_CREDIT": "false"})
    assert not run.sms_credit_on({"EMULATOR_SMS_CREDIT": "0"})


# --- the run command, twice -------------------------------------------------------------------

def start(cwd, env):
    process = subprocess.Popen([sys.executable, "-u", str(ROOT / "run.py")], cwd=cwd, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    deadline = time.monotonic() + 120  # a guard against a hang, not a timing check
    for line in process.stdout:
        lines.append(line)
        if line.startswith("Fieldkit at") or time.monotonic() > deadline:
            break
    return process, "".join(lines)


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def demo_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("ODOO_URL", "PORT", "EMULATOR_PORT", "FAKE_RMM_PORT", "FIELDKIT_ENV",
                        "EMULATOR_DATA", "SECRET_KEY")}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


@pytest.mark.slow
def test_run_twice_the_second_moves_to_free_ports_or_names_the_variable(tmp_path):
    (tmp_path / ".env").write_text("EMULATOR_SMS_CREDIT=false\n")
    first, out1 = start(tmp_path, demo_env())
    try:
        assert "Fieldkit at http://127.0.0.1:" in out1, out1
        assert "SMS credit off" in out1  # .env was read
        fk1 = int(re.search(r"Fieldkit at http://127\.0\.0\.1:(\d+)/", out1).group(1))
        # The demo's integration user is configured: a customer's page opens. The console line
        # comes just before the server listens: wait until it answers.
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"http://127.0.0.1:{fk1}/login", timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the demo never answered"
                time.sleep(0.1)
        office = requests.Session()
        token = re.search(r'name="csrf-token" content="([^"]+)"',
                          office.get(f"http://127.0.0.1:{fk1}/login").text).group(1)
        office.post(f"http://127.0.0.1:{fk1}/login", headers={"X-CSRFToken": token},
                    data={"login": "office", "password": "office"})
        job = re.search(r'href="/jobs/(\d+)"', office.get(f"http://127.0.0.1:{fk1}/jobs").text)
        page = office.get(f"http://127.0.0.1:{fk1}/jobs/{job.group(1)}").text
        link = re.search(r'value="(http://[^"]+/c/[^"]+)"', page).group(1)
        assert requests.get(link, timeout=30).status_code == 200
        odoo1 = int(re.search(r"Odoo emulator \(Odoo \d+\) at http://127\.0\.0\.1:(\d+)",
                              out1).group(1))
        # The same ports, chosen: refused with the variable to change.
        refused = subprocess.run(
            [sys.executable, str(ROOT / "run.py")], cwd=tmp_path, capture_output=True,
            text=True, timeout=120,
            env=demo_env(PORT=str(fk1), EMULATOR_PORT=str(odoo1)))
        assert refused.returncode != 0
        assert f"Port {fk1} (PORT, Fieldkit) is in use" in refused.stderr + refused.stdout
        # Defaults again: the second demo starts on other ports and says so.
        second, out2 = start(tmp_path, demo_env())
        try:
            assert "Fieldkit at http://127.0.0.1:" in out2, out2
            fk2 = int(re.search(r"Fieldkit at http://127\.0\.0\.1:(\d+)/", out2).group(1))
            assert fk2 != fk1 and "is in use" in out2 and "(set PORT to choose)" in out2
            assert "emulator-" in out2  # its own data file
        finally:
            stop(second)
    finally:
        stop(first)


# --- the README's demo logins ------------------------------------------------------------------

def readme_logins():
    text = (ROOT / "README.md").read_text()
    table = text[text.index("### Demo logins"):]
    table = table[:table.index("\n\n", table.index("| Login |"))]
    logins = []
    for cell in re.findall(r"^\| `([^|]+?)`(?: … `([^`]+)`)? \|", table, re.M):
        first, last = cell
        if last:
            prefix = re.match(r"\D+", first).group(0)
            logins += [f"{prefix}{n}" for n in range(int(first[len(prefix):]),
                                                     int(last[len(prefix):]) + 1)]
        else:
            logins.append(first)
    return logins


def test_the_readme_and_the_run_command_name_the_same_logins():
    printed = re.findall(r"^  (\S+)", run.demo_banner().split("Two-factor")[0], re.M)
    expanded = []
    for login in printed:
        if "…" in login:
            continue
        expanded.append(login)
    assert set(expanded) <= set(readme_logins())
    assert {"tech1", "tech6", "office", "manager", "admin", "tech2fa", "tech2co",
            "office2co"} <= set(readme_logins())


def test_every_readme_login_logs_in_two_factor_with_the_printed_code(app, fresh):
    banner = run.demo_banner()
    secret = re.search(r"tech2fa: TOTP secret (\w+)", banner).group(1)
    assert f"secret={secret}" in banner  # the otpauth line for an authenticator app
    for login in readme_logins():
        client = app.test_client()
        response = client.post("/login", data={"login": login, "password": login})
        assert response.status_code == 302, login
        if login == "tech2fa":
            assert "/login/code" in response.headers["Location"]
            response = client.post("/login/code",
                                   data={"code": pyotp.TOTP(secret).at(time.time())})
            assert response.status_code == 302
        assert "/login" not in response.headers["Location"], login
        assert client.get("/").status_code == 302
