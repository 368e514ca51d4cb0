"""The per-process TTL cache and its shared-store layer (app/platform/ttl_cache.py): a value
read by one process serves another, never longer than its lifetime in all; without an app or
with the store down it is a plain per-process cache."""
import json

from flask import Flask

from app.platform import store as store_module
from app.platform import ttl_cache
from app.platform.store import StoreError
from app.platform.ttl_cache import TTLCache


def make_app(tmp_path):
    app = Flask(__name__)
    app.config.update(STORE_PATH=str(tmp_path / "store.sqlite3"))
    return app


def test_a_value_read_by_one_process_serves_another(tmp_path):
    app = make_app(tmp_path)
    loads = []
    with app.app_context():
        first = TTLCache(300, shared="things")
        assert first.get(("srv", 1), lambda: loads.append(1) or [{"id": 1}]) == [{"id": 1}]
        other_process = TTLCache(300, shared="things")  # nothing in its own memory
        assert other_process.has(("srv", 1))
        assert other_process.get(("srv", 1), lambda: loads.append(2) or []) == [{"id": 1}]
        assert not other_process.has(("srv", 2))
    assert loads == [1]


def test_the_age_travels_with_the_value(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    with app.app_context():
        TTLCache(300, shared="things").put("k", "v")
        real = ttl_cache.time.time()
        monkeypatch.setattr(ttl_cache.time, "time", lambda: real + 301)
        assert not TTLCache(300, shared="things").has("k")  # read 301 s ago elsewhere
        monkeypatch.setattr(ttl_cache.time, "time", lambda: real + 200)
        late = TTLCache(300, shared="things")
        assert late.peek("k") == "v"
        # kept here for the 100 s it had left, not another 300
        monotonic = ttl_cache.time.monotonic()
        monkeypatch.setattr(ttl_cache.time, "monotonic", lambda: monotonic + 101)
        monkeypatch.setattr(ttl_cache.time, "time", lambda: real + 301)
        assert not late.has("k")


def test_without_an_app_or_with_the_store_down_it_is_per_process(tmp_path, monkeypatch):
    cache = TTLCache(300, shared="things")
    assert cache.get("k", lambda: 1) == 1 and cache.peek("k") == 1  # no app context
    app = make_app(tmp_path)

    def down(*args, **kwargs):
        raise StoreError("store down")

    with app.app_context():
        store = store_module.get_store()
        monkeypatch.setattr(store, "get", down)
        monkeypatch.setattr(store, "set", down)
        loads = []
        broken = TTLCache(300, shared="things")
        assert broken.get("j", lambda: loads.append(1) or 2) == 2
        assert broken.get("j", lambda: loads.append(1) or 3) == 2  # its own memory still works
        assert loads == [1]


def test_a_damaged_entry_is_a_miss(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        cache = TTLCache(300, shared="things")
        store_module.get_store().set(cache._store_key("k"), "not json", 60)
        assert cache.get("k", lambda: "fresh") == "fresh"
        stored = json.loads(store_module.get_store().get(cache._store_key("k")))
        assert stored["value"] == "fresh"


def test_what_odoo_translates_is_kept_per_language():
    """Stage or state names read by a user in French are not served to a user in German."""
    from types import SimpleNamespace

    def client(lang):
        return SimpleNamespace(base_url="http://odoo", db="db", context={"lang": lang})
    french, german = client("fr_FR"), client("de_DE")
    assert ttl_cache.translated_key(french, "stages") != ttl_cache.translated_key(german, "stages")
    assert ttl_cache.translated_key(french, "stages") == \
        ttl_cache.translated_key(client("fr_FR"), "stages")
    cache = TTLCache(60)
    assert cache.get(ttl_cache.translated_key(french, "stages"), lambda: "Nouveau") == "Nouveau"
    assert cache.get(ttl_cache.translated_key(german, "stages"), lambda: "Neu") == "Neu"


def test_forget_server_drops_one_servers_values_in_every_cache():
    stages, vans = TTLCache(300), TTLCache(300)
    stages.put(("http://a", "db", "stages"), [1])
    stages.put(("http://b", "db", "stages"), [2])
    vans.put(("http://a", "db", "van", 7), {"id": 3})
    vans.put("http://a", "not a server key")
    ttl_cache.forget_server("http://a")
    assert not stages.has(("http://a", "db", "stages"))
    assert not vans.has(("http://a", "db", "van", 7))
    assert stages.peek(("http://b", "db", "stages")) == [2]
    assert vans.has("http://a")


def test_has_and_peek_remember_a_miss_in_the_shared_store_for_a_while(tmp_path, monkeypatch):
    """The job page asks on every view whether the timer's fields are known: a miss in the
    shared store is read once per MISS_SECONDS, not once per view (each read is a round trip
    to Redis). This process's put() ends it at once; another's value is seen after it."""
    app = make_app(tmp_path)
    reads = []
    with app.app_context():
        store = store_module.get_store()
        real_get = type(store).get
        monkeypatch.setattr(type(store), "get",
                            lambda self, key: reads.append(key) or real_get(self, key))
        cache = TTLCache(300, shared="things")
        assert not cache.has("k") and cache.peek("k") is None and not cache.has("k")
        assert len(reads) == 1
        TTLCache(300, shared="things").put("k", "v")  # another process reads it
        assert not cache.has("k")
        started = ttl_cache.time.monotonic()
        monkeypatch.setattr(ttl_cache.time, "monotonic",
                            lambda: started + ttl_cache.MISS_SECONDS)
        assert cache.peek("k") == "v"
        assert not cache.has("mine")
        cache.put("mine", 1)
        assert cache.has("mine") and cache.get("other", lambda: 2) == 2
