"""Hash chain of issued documents (seed section 4.3), one chain per company and document series.

Each issued document stores ``previous_hash`` (the hash of the document issued before it in the
same series, :data:`GENESIS_HASH` for the first) and ``document_hash`` = SHA-256 of its canonical
form, which itself contains ``previous_hash``. Verification walks the series in issue order:

* the canonical form recomputed from today's data must hash to the stored ``document_hash``,
  otherwise the document's data was altered after issue (:attr:`BreakReason.ALTERED`);
* its ``previous_hash`` must equal the stored hash of the entry before it (or the genesis value /
  the given starting hash), otherwise a document was removed, inserted or reordered, or the one
  before it was altered and re-hashed (:attr:`BreakReason.LINK`).

Limits, stated so nobody relies on more: someone who can rewrite every row from the altered one to
the end of the series can rebuild a consistent chain. The detached signatures (private key stored
encrypted, outside the rows) and an externally kept head hash (``expected_head``) close that gap;
removing the last documents is only visible through ``expected_head``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from involinks.compliance.chain.canonical import SUPPORTED_VERSIONS, is_sha256_hex

__all__ = [
    "GENESIS_HASH",
    "BreakReason",
    "ChainBreak",
    "ChainEntry",
    "ChainKey",
    "ChainReport",
    "compute_hash",
    "link",
    "verify_chain",
]

#: ``previous_hash`` of the first document of every chain.
GENESIS_HASH: Final = "0" * 64


@dataclass(frozen=True, slots=True)
class ChainKey:
    """Which chain a document belongs to: one per company and numbering series."""

    company_id: str
    series: str


def compute_hash(canonical: bytes) -> str:
    """SHA-256 of the canonical bytes, lowercase hex."""
    return hashlib.sha256(canonical).hexdigest()


def link(previous_hash: str | None) -> str:
    """The ``previous_hash`` to store on the next document: the genesis value for the first one."""
    if previous_hash is None:
        return GENESIS_HASH
    if not is_sha256_hex(previous_hash):
        raise ValueError("previous_hash must be a lowercase SHA-256 hex string")
    return previous_hash


class BreakReason(StrEnum):
    ALTERED = "hash_mismatch"  # the data no longer hashes to the stored hash
    LINK = "previous_hash_mismatch"  # removed / inserted / reordered (or re-hashed) document
    MALFORMED = "malformed"  # the canonical form cannot be read (unknown version, not JSON)


_EXPLANATION: Final = {
    BreakReason.ALTERED: "the document's data was altered after it was issued",
    BreakReason.LINK: (
        "the document does not follow the one before it: a document was removed, inserted or "
        "reordered, or the previous document was altered and re-hashed"
    ),
    BreakReason.MALFORMED: "the canonical form cannot be read",
}


@dataclass(frozen=True, slots=True)
class ChainEntry:
    """One issued document, in issue order.

    ``canonical`` is recomputed from the data as stored now (never a stored copy of the original
    bytes, or tampering would go unseen); ``stored_hash`` is the hash recorded at issue.
    ``label`` names the document in reports (its number).
    """

    label: str
    canonical: bytes
    stored_hash: str


@dataclass(frozen=True, slots=True)
class ChainBreak:
    index: int  # position in the entries given (0-based)
    label: str
    reason: BreakReason
    expected: str  # what the chain requires at this point
    found: str  # what the entry holds

    @property
    def message(self) -> str:
        return f"{self.label}: {_EXPLANATION[self.reason]}"


@dataclass(frozen=True, slots=True)
class ChainReport:
    checked: int
    breaks: tuple[ChainBreak, ...]
    head_hash: str | None  # stored hash of the last entry (None for an empty chain)

    @property
    def intact(self) -> bool:
        return not self.breaks

    @property
    def first_break(self) -> ChainBreak | None:
        return self.breaks[0] if self.breaks else None


def _previous_hash_of(canonical: bytes) -> str | None:
    try:
        payload = json.loads(canonical.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("v") not in SUPPORTED_VERSIONS:
        return None
    previous = payload.get("previous_hash")
    return previous if is_sha256_hex(previous) else None


def verify_chain(
    entries: Sequence[ChainEntry],
    *,
    start_hash: str = GENESIS_HASH,
    expected_head: str | None = None,
) -> ChainReport:
    """Check one chain (one company and series), entries in issue order.

    ``start_hash`` is the ``previous_hash`` the first entry must carry: the genesis value for a
    whole series, or the stored hash of the entry before a checked segment. ``expected_head``,
    when given, is the last hash recorded outside the rows; a different last hash means documents
    were removed from (or added to) the end.
    """
    breaks: list[ChainBreak] = []
    expected_previous = start_hash
    for index, entry in enumerate(entries):
        previous = _previous_hash_of(entry.canonical)
        if previous is None:
            breaks.append(
                ChainBreak(index, entry.label, BreakReason.MALFORMED, expected_previous, "")
            )
        else:
            recomputed = compute_hash(entry.canonical)
            if recomputed != entry.stored_hash:
                breaks.append(
                    ChainBreak(
                        index, entry.label, BreakReason.ALTERED, entry.stored_hash, recomputed
                    )
                )
            if previous != expected_previous:
                breaks.append(
                    ChainBreak(index, entry.label, BreakReason.LINK, expected_previous, previous)
                )
        # Link to what was recorded, so one altered document is reported once, not twice.
        expected_previous = entry.stored_hash
    head = entries[-1].stored_hash if entries else None
    if expected_head is not None and expected_head != (head or start_hash):
        label = entries[-1].label if entries else "(empty chain)"
        breaks.append(
            ChainBreak(len(entries), label, BreakReason.LINK, expected_head, head or start_hash)
        )
    return ChainReport(checked=len(entries), breaks=tuple(breaks), head_hash=head)
