"""Stable identifiers for open data: the UUIDs that the HSDS API (providers.hsds) publishes.

Every organisation, offer, list entry, framework, phase and violence type keeps a UUID of its
own (`uuid` on the model). Rows that existed before the UUIDs did, and rows that the 2023
baseline writes, get one derived from their slug (`stable_uuid`), so that a database migrated,
reloaded or installed anew gives the same entry the same id. Rows created later get a random
one. The migrations that filled the existing rows copy this derivation inline.
"""

from uuid import UUID, uuid5

# Fixed for good: changing it would change every derived identifier.
NAMESPACE = UUID("0766242f-e461-4ef8-98f3-3dff8311c282")


def stable_uuid(kind: str, key: str) -> UUID:
    """The identifier derived from `kind` (a model label such as "providers.offer", or another
    name) and `key` (a slug)."""
    return uuid5(NAMESPACE, f"{kind}:{key}")
