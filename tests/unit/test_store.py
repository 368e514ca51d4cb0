"""The shared store (app/platform/store.py): the same contract on SQLite and on a real Redis,
and counters that stay exact when several processes increment them at once."""
import multiprocessing
import socket
import time

import pytest

from app.platform import store as store_module
from app.platform.store import MemoryStore, RedisStore, SQLiteStore, StoreError


@pytest.fixture(params=["sqlite", "redis", "memory"])
def store(request, tmp_path):
    if request.param == "memory":
        return MemoryStore()
    if request.param == "sqlite":
        return SQLiteStore(str(tmp_path / "store.sqlite3"))
    redis_store = RedisStore(request.getfixturevalue("redis_url"))
    redis_store.client.flushdb()
    return redis_store


def test_incr_counts_from_one_in_a_fixed_window(store):
    assert [store.incr("throttle:a", 60) for _ in range(3)] == [1, 2, 3]
    assert store.incr("throttle:b", 60) == 1
    assert 55 <= store.ttl("throttle:a") <= 60


def test_incr_does_not_extend_the_window(store):
    store.incr("w", 2)
    time.sleep(1.1)
    store.incr("w", 2)
    assert store.ttl("w") <= 1
    time.sleep(1.2)
    assert store.get("w") is None
    assert store.incr("w", 2) == 1


def test_set_get_delete(store):
    assert store.get("idem:k") is None
    assert store.set("idem:k", "first", 60) is True
    assert store.get("idem:k") == "first"
    store.delete("idem:k")
    assert store.get("idem:k") is None
    store.delete("idem:absent")  # no error


def test_get_many_reads_the_keys_that_exist_in_one_go(store):
    store.set("timer:a", "1", 60)
    store.set("timer:c", "3", 60)
    store.set("timer:gone", "x", 1)
    time.sleep(1.1)
    assert store.get_many(["timer:a", "timer:b", "timer:c", "timer:gone", "timer:a"]) == {
        "timer:a": "1", "timer:c": "3"}
    assert store.get_many([]) == {}


def test_set_nx_only_when_absent(store):
    assert store.set("idem:x", "pending", 60, nx=True) is True
    assert store.set("idem:x", "other", 60, nx=True) is False
    assert store.get("idem:x") == "pending"
    assert store.set("idem:x", "done", 60) is True
    assert store.get("idem:x") == "done"


def test_expired_values_are_gone_and_can_be_set_again(store):
    store.set("short", "v", 1)
    time.sleep(1.2)
    assert store.get("short") is None
    assert store.ttl("short") is None
    assert store.set("short", "again", 60, nx=True) is True


def _hammer(kind, where, count):
    target = SQLiteStore(where) if kind == "sqlite" else RedisStore(where)
    for _ in range(count):
        target.incr("throttle:shared", 60)


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_counter_is_exact_across_processes(kind, tmp_path, request):
    where = (str(tmp_path / "store.sqlite3") if kind == "sqlite"
             else request.getfixturevalue("redis_url"))
    target = SQLiteStore(where) if kind == "sqlite" else RedisStore(where)
    target.delete("throttle:shared")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_hammer, args=(kind, where, 50)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    assert target.get("throttle:shared") == "150"


def test_unreachable_redis_raises_store_error():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    unreachable = RedisStore(f"redis://127.0.0.1:{port}/0", timeout=0.3)
    with pytest.raises(StoreError):
        unreachable.incr("k", 10)
    with pytest.raises(StoreError):
        unreachable.get("k")


def test_get_store_picks_the_backend_from_the_config(app, redis_url):
    with app.app_context():
        first = store_module.get_store()
        assert isinstance(first, SQLiteStore)
        assert store_module.get_store() is first  # one store per app, not one per call
    app.extensions.pop(store_module._EXTENSION_KEY)
    app.config["REDIS_URL"] = redis_url
    with app.app_context():
        assert isinstance(store_module.get_store(), RedisStore)


class _Redis:
    """In place of redis-py's client: down or up, and an operation can be held mid-way."""

    def __init__(self):
        import redis

        self.error = redis.ConnectionError
        self.down, self.calls, self.hold = True, 0, None

    def get(self, key):
        self.calls += 1
        if self.hold is not None:
            self.hold.wait(5)
        if self.down:
            raise self.error("Connection refused")
        return "v"


def test_redis_back_is_used_again_within_seconds_one_operation_trying_it(monkeypatch):
    """After a failure the process skips Redis (StoreError at once), and every
    STORE_RETRY_AFTER (2 s by default) one operation tries it again while the others go on
    skipping it; the first that succeeds ends the skip. A 30-second skip refused ~300 outbox
    notes in a load run after Redis was back."""
    import threading
    import types

    clock = [1000.0]
    monkeypatch.setattr(store_module, "time", types.SimpleNamespace(
        monotonic=lambda: clock[0], time=time.time, sleep=time.sleep))
    store = RedisStore("redis://127.0.0.1:9/0", timeout=0.1)
    fake = store.client = _Redis()
    with pytest.raises(StoreError):
        store.get("k")
    with pytest.raises(StoreError):
        store.get("k")  # skipped: Redis not asked
    assert fake.calls == 1
    fake.down = False  # Redis is back
    clock[0] += 2.0
    assert store.get("k") == "v"  # the one that tries gets an answer...
    assert store.get("k") == "v" and fake.calls == 3  # ...and the skip is over

    fake.down = True
    with pytest.raises(StoreError):
        store.get("k")
    clock[0] += 2.0
    fake.hold = threading.Event()
    outcome = []
    trying = threading.Thread(target=lambda: outcome.append(
        pytest.raises(StoreError, store.get, "k")))
    trying.start()
    for _ in range(500):
        if fake.calls == 5:
            break
        time.sleep(0.01)
    assert fake.calls == 5  # one operation is trying Redis...
    with pytest.raises(StoreError):
        store.get("k")  # ...the others skip it meanwhile
    assert fake.calls == 5
    fake.hold.set()
    trying.join(5)
    assert outcome  # it failed: skipped again until the next try
    with pytest.raises(StoreError):
        store.get("k")
    assert fake.calls == 5


def test_prefetched_keys_are_read_once_from_one_round_trip(tmp_path):
    """store.prefetch reads the keys a page is about to read in one round trip; store.read
    answers each once from it (a second read, after the page may have changed the key, asks
    the store again), and reads keys it did not fetch from the store."""
    from flask import Flask

    store = SQLiteStore(str(tmp_path / "store.sqlite3"))
    store.set("a", "1", 60)
    store.set("c", "3", 60)
    asked = []
    real_get = store.get
    store.get = lambda key: asked.append(key) or real_get(key)
    with Flask(__name__).app_context():
        store_module.prefetch(store, ["a", "b"])
        assert store_module.read(store, "a") == "1" and store_module.read(store, "b") is None
        assert asked == []
        store.set("a", "changed", 60)
        assert store_module.read(store, "a") == "changed" and store_module.read(store, "c") == "3"
        assert asked == ["a", "c"]
    broken = MemoryStore()
    broken.get_many = lambda keys: (_ for _ in ()).throw(StoreError("down"))
    with Flask(__name__).app_context():
        store_module.prefetch(broken, ["x"])  # the readers meet the store's error themselves
        assert store_module.read(broken, "x") is None
