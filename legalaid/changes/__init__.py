"""The change record (table ``change_log``): every write path fills it.

- :mod:`.capture`: entries from the ORM's flushes and from bulk inserts, one per changed row
  per transaction, written in the write's own transaction (``Database.write``);
- :mod:`.registry`: which tables are captured, and which are not and why;
- :mod:`.device`: the id this copy of the database numbers its changes under;
- :mod:`.clock`: the hybrid logical clock that orders changes;
- :mod:`.values`: values as JSON;
- :mod:`.check`: rows whose values their change entries do not reproduce.

Kept free of SQLAlchemy imports at package level: importing it costs nothing at start-up.
"""
