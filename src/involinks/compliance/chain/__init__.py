"""Hash chain of issued invoices and credit notes (pure: no database).

Issuing document N of a series::

    previous = link(last_hash_of_series)          # GENESIS_HASH for the first document
    canonical = canonical_document(doc, series=..., xml_sha256=sha256_hex(xml), previous_hash=previous)
    document_hash = compute_hash(canonical)       # store previous and document_hash with N

Checking a series: ``verify_chain([ChainEntry(number, canonical_now, stored_hash), ...])``.
"""

import hashlib

from involinks.compliance.chain.canonical import (
    CANONICAL_VERSION,
    SUPPORTED_VERSIONS,
    canonical_document,
    is_sha256_hex,
)
from involinks.compliance.chain.verify import (
    GENESIS_HASH,
    BreakReason,
    ChainBreak,
    ChainEntry,
    ChainKey,
    ChainReport,
    compute_hash,
    link,
    verify_chain,
)


def sha256_hex(data: bytes) -> str:
    """SHA-256 of raw bytes (e.g. the issued UBL XML), lowercase hex."""
    return hashlib.sha256(data).hexdigest()


__all__ = [
    "CANONICAL_VERSION",
    "GENESIS_HASH",
    "SUPPORTED_VERSIONS",
    "BreakReason",
    "ChainBreak",
    "ChainEntry",
    "ChainKey",
    "ChainReport",
    "canonical_document",
    "compute_hash",
    "is_sha256_hex",
    "link",
    "sha256_hex",
    "verify_chain",
]
