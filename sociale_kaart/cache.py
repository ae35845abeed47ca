"""Caching of computed coverage, invalidated through one data version.

Every cached entry's key holds the *data version*: a counter in the cache that every write
which can alter coverage bumps. A bump makes all earlier entries unreachable at once (they
expire on their own), so invalidation needs no list of keys and cannot miss a filter
combination. What bumps it:

- saves and deletes of every model whose manager is a `VersionedQuerySet`, and changes of its
  many-to-many relations: `connect_invalidation` finds those models in the app registry and
  connects the signal receivers once (the admin, imports and services all save through the
  models). A model opts in by its manager alone; no list of models is kept anywhere.
- bulk writes, which send no signals: `VersionedQuerySet` bumps after `bulk_create`,
  `bulk_update` and `update`, and the bulk paths (`load_baseline`, the demo data) call
  `bump_data_version` once more at the end.

A bump happens at once and again when the transaction commits, so that a request in another
process that read the old data just before the commit cannot keep it under the new version.

The cache backend is Django's default cache: process memory in development, Redis when
`REDIS_URL` is set. With several processes (gunicorn workers) use Redis: a bump in one process
is then seen by all; with process memory each process only sees its own bumps. A small
process-local layer keeps recent pages and matrices (their keys hold the version, so it never
serves stale data). This module imports no model: it is the bottom layer that both apps'
models build on. When Redis cannot be reached, pages are computed without the cache; a bump
that fails then is logged, and entries Redis kept from before the outage may be served until
the next bump or their timeout (an hour).
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache, caches
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from sociale_kaart.text import clean_short_texts

try:
    from redis.exceptions import RedisError
except ImportError:  # redis is a dependency; without it only the local-memory cache works
    RedisError = OSError

logger = logging.getLogger(__name__)
CACHE_ERRORS = (OSError, RedisError)
VERSION_KEY = "sociale-kaart:data-version"
# How many writes so far may have hidden something that pages showed (a confidential address,
# an unpublished or deleted offer): an entry computed before the last of them is never served.
HIDE_KEY = "sociale-kaart:hide-version"
# Entries become unreachable when the version moves on. The timeout frees memory and bounds
# how long a page that depends on the date (e.g. "not verified for a year") can lag behind.
TIMEOUT = 60 * 60


def _shared(operation: str, *args, **kwargs):
    """Run an operation on the shared cache; None when it cannot be reached (Redis down):
    pages are then computed without caching instead of failing."""
    try:
        return getattr(cache, operation)(*args, **kwargs)
    except CACHE_ERRORS:
        logger.warning("cache unavailable: %s failed", operation)
        return None


# The data version as read once for the current request (`version_scope`): a page asks for
# it several times (the response key, each matrix, the filter choices), Redis answers once.
_request_version: ContextVar[list | None] = ContextVar("request_data_version", default=None)


@contextmanager
def version_scope():
    """Read the data version at most once inside this block (one request), unless the block
    bumps it itself. Another process's bump is seen by the next request, never later."""
    token = _request_version.set([None])
    try:
        yield
    finally:
        _request_version.reset(token)


def _redis_client(backend):
    """A Redis client kept on `backend` (Django's RedisCache, which builds a new client for
    every operation), so that the warm path's one read of the data version costs one round
    trip and nothing else; None for other backends."""
    client = backend.__dict__.get("_data_version_client")
    if client is None:
        from django.core.cache.backends.redis import RedisCache

        if not isinstance(backend, RedisCache):
            return None
        client = backend._cache.get_client(write=True)
        backend.__dict__["_data_version_client"] = client
    return client


def _read_versions() -> tuple:
    """(data version, hide version) in one round trip."""
    backend = caches["default"]
    client = _redis_client(backend)
    if client is None:
        values = _shared("get_many", [VERSION_KEY, HIDE_KEY]) or {}
        return values.get(VERSION_KEY), values.get(HIDE_KEY)
    keys = [backend.make_and_validate_key(key) for key in (VERSION_KEY, HIDE_KEY)]
    try:
        values = client.mget(keys)
    except CACHE_ERRORS:
        logger.warning("cache unavailable: get failed")
        return None, None
    # Django's RedisCache stores integers as plain numbers (so that INCR works on them).
    return tuple(None if value is None else int(value) for value in values)


def _versions() -> tuple:
    """(data version, hide version), read once per `version_scope`; (None, None) when the
    cache cannot be reached. Both start at the clock, so that a version lost from the cache
    (evicted, flushed) never comes back as a value that older entries still carry."""
    memo = _request_version.get()
    if memo is not None and memo[0] is not None:
        return memo[0]
    versions = _read_versions()
    if None in versions:
        for key, value in zip((VERSION_KEY, HIDE_KEY), versions, strict=True):
            if value is None:
                _shared("add", key, time.time_ns(), timeout=None)
        versions = _read_versions()
    if None in versions:
        return None, None
    if memo is not None:
        memo[0] = versions
    return versions


def data_version() -> int | None:
    """The current data version (None when the cache cannot be reached)."""
    return _versions()[0]


def _bump(hides: bool = True) -> None:
    memo = _request_version.get()
    if memo is not None:
        memo[0] = None
    # The hide version first: a reader between the two already sees the new one.
    for key in (HIDE_KEY, VERSION_KEY) if hides else (VERSION_KEY,):
        try:
            cache.incr(key)
        except ValueError:  # the key is gone: start from the clock again
            _shared("add", key, time.time_ns(), timeout=None)
        except CACHE_ERRORS:
            logger.error("cache unavailable: the data version could not be bumped")
            return


def _bump_on_commit() -> None:
    _bump(hides=False)


def _hiding_bump_on_commit() -> None:
    _bump(hides=True)


def bump_data_version(*, hides: bool = True) -> None:
    """Make every cached coverage and response obsolete: now, and after the commit.

    Now, so that this process (and a test inside its transaction) never reads its own earlier
    entries; after the commit, so that a request elsewhere that read the old data in between
    cannot keep it under the new version. A save writes several rows (the offer, its lists,
    its positions): each bumps at once, the commit bumps once; a write outside a transaction
    is committed already and bumps once.

    `hides`: the write may hide something that pages showed (the default, when in doubt).
    After such a write no earlier entry is ever served. After other writes, a request that
    finds another process computing the new entry gets the previous one meanwhile
    (`single_flight`); the next request after the computation gets the new one.
    """
    _bump(hides)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # autocommit: the write is committed already
        return
    callback = _hiding_bump_on_commit if hides else _bump_on_commit
    if not any(func is callback for _, func, _ in connection.run_on_commit):
        transaction.on_commit(callback)


def versioned_key(*parts) -> str | None:
    """A cache key for `parts` under the current data version (hashed: any length, any text);
    None when the cache cannot be reached."""
    version = data_version()
    if version is None:
        return None
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"sociale-kaart:{version}:{digest}"


def _split_key(key: str) -> tuple[int, str]:
    _, version, digest = key.split(":")
    return int(version), digest


class _LocalLRU:
    """A small process-local layer in front of the shared cache, for entries that are large
    and never change under their key (the key holds the data version): a hit costs neither a
    round trip to Redis nor unpickling. Bounded by entries and by (estimated) bytes."""

    def __init__(self, max_entries: int, max_bytes: int):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.entries: OrderedDict[str, tuple[object, int]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            self.entries.move_to_end(key)
            return entry[0]

    def set(self, key: str, value, size: int) -> None:
        if size > self.max_bytes:
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = (value, size)
            self.size += size
            while len(self.entries) > self.max_entries or self.size > self.max_bytes:
                _, (_, dropped) = self.entries.popitem(last=False)
                self.size -= dropped


_local_values = _LocalLRU(max_entries=16, max_bytes=64 * 1024 * 1024)  # computed matrices
_local_responses = _LocalLRU(max_entries=256, max_bytes=64 * 1024 * 1024)  # page bodies


# Single flight: while one process computes an entry, the others wait for it this long at
# most (then compute it themselves), polling the shared cache.
COMPUTE_LOCK_TIMEOUT = 60
COMPUTE_WAIT = 15.0
_POLL_FIRST, _POLL_MAX = 0.002, 0.05


def get_or_compute(key: str | None, compute, size=lambda value: 1, *, local=_local_values):
    """The value under `key`, from this process, the shared cache, or `compute()`.

    Computed once, not once per process (`single_flight`). A `compute` that returns None
    stores nothing. The value may be shared between requests of this process: treat it as
    read-only.
    """
    if key is None:
        return compute()
    value = local.get(key)
    if value is None:
        value = _shared("get", key)
        if value is None:
            value, current = _single_flight(key, compute, local)
            if not current:  # the previous entry: never kept under the new key
                return value
        if value is not None:
            local.set(key, value, size(value))
    return value


def single_flight(key: str, compute, local=_local_values):
    """`compute()` stored under `key` in the shared cache, computed by one caller at a time
    (see `_single_flight`)."""
    return _single_flight(key, compute, local)[0]


def _single_flight(key: str, compute, local):
    """(value, whether it is the entry of `key` rather than the previous one).

    `compute()` is stored under `key` in the shared cache, computed by one caller at a time.

    The first to miss takes a lock in the shared cache and computes. A caller that finds
    another computing the same key gets the previous entry of the same question if no write
    since it may have hidden anything (`bump_data_version`); otherwise it waits for the new
    one (at most COMPUTE_WAIT seconds, or until the computing one gives up).
    """
    version, digest = _split_key(key)
    hide = _versions()[1]
    lock, latest = f"{key}:computing", f"sociale-kaart:latest:{digest}"
    acquired = _shared("add", lock, 1, COMPUTE_LOCK_TIMEOUT)
    if acquired is False:
        previous = _previous(latest, version, hide, local)
        if previous is not None:
            return previous, False
        deadline = time.monotonic() + COMPUTE_WAIT
        pause = _POLL_FIRST
        while time.monotonic() < deadline:
            time.sleep(pause)
            pause = min(pause * 2, _POLL_MAX)
            value = _shared("get", key)
            if value is not None:
                return value, True
            if not _shared("get", lock):  # it failed: try to take over
                acquired = _shared("add", lock, 1, COMPUTE_LOCK_TIMEOUT)
                if acquired is not False:
                    break
    try:
        value = compute()
        if value is not None:
            _shared("set", key, value, TIMEOUT)
            if hide is not None:
                _shared("set", latest, (version, hide), TIMEOUT)
    finally:
        if acquired:
            _shared("delete", lock)
    return value, True


def _previous(latest: str, version: int, hide: int | None, local):
    """The entry last computed for the same question under an earlier data version, if no
    write since then may have hidden anything; else None."""
    pointer = _shared("get", latest)
    if hide is None or pointer is None:
        return None
    earlier, earlier_hide = pointer
    if earlier_hide != hide or earlier >= version:
        return None
    key = f"sociale-kaart:{earlier}:{latest.rsplit(':', 1)[1]}"
    value = local.get(key)
    return value if value is not None else _shared("get", key)


def stored_or_rendered(key: str | None, render, size):
    """A whole response kept under `key` (in this process or the shared cache), else
    `render()`'s, stored unless it is None; computed once as `get_or_compute` does."""
    return get_or_compute(key, render, size, local=_local_responses)


class VersionedQuerySet(models.QuerySet):
    """Bumps the data version after the bulk writes that bypass model signals; those writes
    also take invisible control characters out of short texts, as every save does
    (sociale_kaart/text.py)."""

    # Fields whose bulk update hides nothing that pages show; any other bulk update counts
    # as one that may (see `bump_data_version`).
    safe_update_fields = frozenset({"version"})

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            clean_short_texts(obj)
        result = super().bulk_create(objs, *args, **kwargs)
        bump_data_version(hides=False)  # new rows hide nothing that was shown
        return result

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            clean_short_texts(obj)
        result = super().bulk_update(objs, fields, *args, **kwargs)
        bump_data_version(hides=not set(fields) <= self.safe_update_fields)
        return result

    def update(self, **kwargs):
        result = super().update(**kwargs)
        bump_data_version(hides=not set(kwargs) <= self.safe_update_fields)
        return result


def _on_change(sender, **kwargs):
    bump_data_version(hides=True)


def _on_save(sender, instance, created, **kwargs):
    """A save hides nothing when the model says so (`saved_change_hides_data`); without that
    hook it may."""
    check = getattr(instance, "saved_change_hides_data", None)
    bump_data_version(hides=True if check is None else check(created=created))


def _on_m2m_change(sender, **kwargs):
    # Lists and memberships: a changed list hides nothing secret.
    bump_data_version(hides=False)


def is_versioned(model) -> bool:
    """Whether writes to `model` change what the cache holds: its manager is versioned."""
    queryset_class = getattr(model._default_manager, "_queryset_class", None)
    return queryset_class is not None and issubclass(queryset_class, VersionedQuerySet)


def connect_invalidation(models) -> list:
    """Bump the data version on every save, delete and many-to-many change of the versioned
    ones among `models` (the app registry's, from `AppConfig.ready`). Returns those models."""
    versioned = [model for model in models if is_versioned(model)]
    for model in versioned:
        uid = f"data-version-{model._meta.label_lower}"
        post_save.connect(_on_save, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _on_m2m_change, sender=through, dispatch_uid=f"{uid}-{field.name}-m2m"
            )
    return versioned
