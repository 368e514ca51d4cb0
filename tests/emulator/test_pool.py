"""The test workers' shared emulators (tests/emulators.py): one per options, reset when taken
again, two for two takes at once, never one a test stopped, and the app's caches forget it."""
import pytest

from app.platform.store import SQLiteStore
from app.platform.ttl_cache import TTLCache
from tests.emulators import EmulatorPool, pool_key


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "store.sqlite3"


@pytest.fixture
def pool(store_path):
    pool = EmulatorPool(store_path=store_path)
    yield pool
    pool.close()


def test_taken_again_it_is_the_same_emulator_reset(pool, store_path):
    store = SQLiteStore(str(store_path))
    first = pool.take(version=16, today="2026-03-10")
    first.state.storage.data["res.partner"][1]["name"] = "Changed"
    first.fail_next(5)
    pool.give_back(first)
    cache = TTLCache(300)
    cache.put((first.url, "fieldkit", "stages"), [1])
    store.set("cfg:fsm-stages:abc", "[1]", 300)  # what an app keeps in the shared store
    store.set("job-timer:7", "running", 300)
    again = pool.take(version=16, today="2026-03-10")
    assert again is first and pool.started == 1 and pool.reused == 1
    assert again.state.storage.data["res.partner"][1]["name"] != "Changed"
    assert again.state.faults["count"] == 0
    assert not cache.has((first.url, "fieldkit", "stages"))
    assert store.get("cfg:fsm-stages:abc") is None and store.get("job-timer:7") == "running"


def test_held_emulators_are_not_shared_and_options_tell_them_apart(pool):
    one, two = pool.take(version=17), pool.take(version=17)
    assert one is not two
    other = pool.take(version=19)
    assert other.version == 19 and pool.started == 3
    for handle in (one, two, other):
        pool.give_back(handle)
    assert pool.take(version=17) in (one, two)


def test_a_stopped_emulator_is_not_handed_out_again(pool):
    handle = pool.take(version=18)
    handle.stop()
    pool.give_back(handle)
    again = pool.take(version=18)
    assert again is not handle and not again.stopped


def test_keys_fill_defaults_and_refuse_a_private_emulators_options():
    assert pool_key({}) == pool_key({"version": 17, "addons": [], "today": None})
    assert pool_key({"addons": ["b", "a"]}) == pool_key({"addons": ("a", "b")})
    with pytest.raises(TypeError, match="data_path"):
        pool_key({"data_path": "/tmp/x"})
