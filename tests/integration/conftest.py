"""Fixtures shared by integration modules (the app-wide ones are in tests/conftest.py)."""
import pytest

from app.services import timer


@pytest.fixture
def clock(monkeypatch):
    """The job timer's clock, moved by hand: `clock["t"] += 60` is a minute of work."""
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(timer, "_now", lambda: now["t"])
    return now
