"""SQLite storage: one table per model (id + JSON data), held in memory, written through.

Every table is loaded at start; changes go to memory and to SQLite under the server lock,
and are committed at the end of each RPC (``commit``), so data survives restarts.
"""

import json
import pickle
import sqlite3
import threading


def _table(model):
    return "m_" + model.replace(".", "_")


class Storage:
    def __init__(self, path):
        self.path = path
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        self.data = {}      # model -> {id: dict}
        self.next_id = {}   # model -> int
        self._in_tx = False
        self._load()

    # -- meta ---------------------------------------------------------------------------
    def get_meta(self, key):
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_meta(self, key, value):
        self._begin()
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value)))

    # -- load / wipe ------------------------------------------------------------------------
    def _load(self):
        tables = [r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'm\\_%' ESCAPE '\\'")]
        models = self.get_meta("models") or {}
        for model, table in models.items():
            if table not in tables:
                continue
            recs = {}
            for rid, payload in self.conn.execute(f'SELECT id, data FROM "{table}"'):
                recs[rid] = json.loads(payload)
            self.data[model] = recs
        self.next_id = self.get_meta("next_id") or {}

    def wipe(self):
        self.commit()
        for model in list(self.data):
            self.conn.execute(f'DROP TABLE IF EXISTS "{_table(model)}"')
        self.conn.execute("DELETE FROM meta")
        self.data = {}
        self.next_id = {}

    def ensure_model(self, model):
        if model not in self.data:
            self._begin()
            self.conn.execute(
                f'CREATE TABLE IF NOT EXISTS "{_table(model)}" (id INTEGER PRIMARY KEY, data TEXT)')
            self.data[model] = {}
            models = self.get_meta("models") or {}
            models[model] = _table(model)
            self.set_meta("models", models)
        return self.data[model]

    # -- records ----------------------------------------------------------------------------
    def _begin(self):
        if not self._in_tx:
            self.conn.execute("BEGIN")
            self._in_tx = True

    def new_id(self, model):
        nid = self.next_id.get(model, 1)
        self.next_id[model] = nid + 1
        return nid

    def insert(self, model, rid, values):
        recs = self.ensure_model(model)
        recs[rid] = values
        self._save(model, rid)

    def save(self, model, rid):
        self._save(model, rid)

    def _save(self, model, rid):
        self._begin()
        self.conn.execute(f'INSERT OR REPLACE INTO "{_table(model)}" VALUES (?, ?)',
                          (rid, json.dumps(self.data[model][rid])))

    def delete(self, model, rid):
        self.data[model].pop(rid, None)
        self._begin()
        self.conn.execute(f'DELETE FROM "{_table(model)}" WHERE id=?', (rid,))

    def commit(self):
        if self._in_tx:
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('next_id', ?)",
                              (json.dumps(self.next_id),))
            self.conn.execute("COMMIT")
            self._in_tx = False

    def rollback(self):
        """Undo everything since the last commit, in SQLite and in memory (Odoo's rollback)."""
        if self._in_tx:
            self.conn.execute("ROLLBACK")
            self._in_tx = False
            self.data = {}
            self._load()

    # -- snapshots (a reset restores the seeded demo instead of seeding again) ----------------
    def snapshot(self):
        """The database as committed now, model tables and meta only (no sessions): an
        in-memory SQLite copy and the records as they are in memory."""
        self.commit()
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        self.conn.backup(copy)
        others = [r[0] for r in copy.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name != 'meta' "
            "AND name NOT LIKE 'm\\_%' ESCAPE '\\'")]
        for name in others:
            copy.execute(f'DELETE FROM "{name}"')
        copy.commit()
        return {"db": copy, "lock": threading.Lock(),
                "data": pickle.dumps(self.data, pickle.HIGHEST_PROTOCOL),
                "next_id": dict(self.next_id)}

    def restore(self, snapshot):
        """Replace everything with `snapshot` (from `snapshot()`); False when there is none."""
        if not snapshot:
            return False
        self.commit()
        with snapshot["lock"]:
            snapshot["db"].backup(self.conn)
        self.data = pickle.loads(snapshot["data"])  # noqa: S301 (our own bytes, this process)
        self.next_id = dict(snapshot["next_id"])
        return True

    def close(self):
        self.commit()
        self.conn.close()
