"""SMS pieces without Odoo: segments (GSM-7 vs UCS-2), E.164 normalisation, body checks."""

import pytest

from app.services import sms


@pytest.mark.parametrize("text,encoding,segments", [
    ("", "GSM-7", 0),
    ("a" * 160, "GSM-7", 1),
    ("a" * 161, "GSM-7", 2),
    ("a" * 306, "GSM-7", 2),
    ("a" * 307, "GSM-7", 3),
    ("€" * 80, "GSM-7", 1),       # extension characters count twice: 160 units
    ("€" * 81, "GSM-7", 2),
    ("ü" * 160, "GSM-7", 1),      # in the basic set
    ("ł" * 70, "UCS-2", 1),
    ("ł" * 71, "UCS-2", 2),
    ("😀" * 35, "UCS-2", 1),      # two UTF-16 units each
    ("😀" * 36, "UCS-2", 2),
])
def test_segments(text, encoding, segments):
    info = sms.segment_info(text)
    assert info["encoding"] == encoding and info["segments"] == segments


@pytest.mark.parametrize("raw,region,expected", [
    ("(804) 555-0116", "US", "+18045550116"),
    ("804.555.0116", "US", "+18045550116"),
    ("+1 804 555 0116", None, "+18045550116"),
    ("0470 12 34 56", "BE", "+32470123456"),
    ("+32 470 12 34 56", "US", "+32470123456"),
])
def test_to_e164(raw, region, expected):
    assert sms.to_e164(raw, region) == expected


@pytest.mark.parametrize("raw", ["", "call me", "12", "+1 202-555-0", None, 5])
def test_to_e164_refuses(raw):
    with pytest.raises(sms.SmsError):
        sms.to_e164(raw, "US")


def test_check_body():
    assert sms.check_body("  hi ") == "hi"
    assert sms.check_body("a" * 1530)  # exactly 10 GSM-7 segments
    for bad in ("", "   ", None, 3, "a" * 1531):
        with pytest.raises(sms.SmsError):
            sms.check_body(bad)


def test_templates():
    assert sms.render_template("eta", 15) == "On my way, arriving in about 15 minutes."
    assert sms.render_template("done") == "Your job is done. Thank you!"
    assert sms.render_template("nope") == ""


def test_twilio_signature_matches_twilios_documented_example():
    """The worked example of twilio.com/docs/usage/security (auth token 12345)."""
    from app.signatures import twilio_signature

    params = [("To", "+18005551212"), ("CallSid", "CA1234567890ABCDE"),
              ("Caller", "+12349013030"), ("Digits", "1234"), ("From", "+12349013030")]
    assert twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2",
                            params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=3",
                            params) != "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
