"""Peppol participant identifiers (``<scheme>:<value>``).

A Peppol participant id is an ISO 6523 ICD scheme code (4 digits) plus the identifier inside that
scheme. UAE participants use scheme ``0235`` and, as value, the 10-digit Tax Identification Number
(TIN): the first 10 digits of the company's 15-digit TRN. PINT AE carries the same pair in
``cbc:EndpointID/@schemeID`` (e.g. ``<cbc:EndpointID schemeID="0235">1987654321</cbc:EndpointID>``
in the official examples, whose seller TRN is ``198765432102003``).

Other 0235 values exist: the PINT AE rules single out buyer addresses ``1XXXXXXXXX`` (a TIN,
``ibr-135-ae``) and ``9XXXXXXXXX`` (``ibr-149-ae``), and two official examples use a 15-digit
value. So parsing does not force 10 digits; ``ParticipantId.is_uae_tin`` tells the TIN form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "UAE_SCHEME",
    "InvalidParticipantIdError",
    "ParticipantId",
    "parse_participant_id",
    "participant_id_from_trn",
]

UAE_SCHEME = "0235"
# Peppol Policy for use of Identifiers: the participant identifier scheme for ICD-based ids.
_ACTORID_PREFIX = "iso6523-actorid-upis::"
_SCHEME = re.compile(r"^\d{4}$")
# Values may hold letters, digits and a few separators; no whitespace or control characters.
_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/+]{0,49}$")
_UAE_TIN = re.compile(r"^1\d{9}$")  # ibr-135-ae
_TRN = re.compile(r"^\d{15}$")


class InvalidParticipantIdError(ValueError):
    """The text is not a well-formed Peppol participant id (checked locally, no network)."""


@dataclass(frozen=True, slots=True)
class ParticipantId:
    scheme: str
    value: str

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"

    @property
    def is_uae(self) -> bool:
        return self.scheme == UAE_SCHEME

    @property
    def is_uae_tin(self) -> bool:
        """Scheme 0235 with a 10-digit TIN as value (``1XXXXXXXXX``)."""
        return self.scheme == UAE_SCHEME and bool(_UAE_TIN.match(self.value))


def parse_participant_id(text: str) -> ParticipantId:
    """Parse ``0235:1234567890`` (optionally prefixed by ``iso6523-actorid-upis::``).

    The value is compared case-insensitively on the Peppol network, so it is lower-cased here
    (digits, the UAE case, are unaffected).
    """
    raw = text.strip()
    if raw.lower().startswith(_ACTORID_PREFIX):
        raw = raw[len(_ACTORID_PREFIX) :]
    scheme, sep, value = raw.partition(":")
    if not sep or not _SCHEME.match(scheme) or not _VALUE.match(value):
        raise InvalidParticipantIdError(f"not a Peppol participant id: {text!r}")
    return ParticipantId(scheme=scheme, value=value.lower())


def participant_id_from_trn(trn: str) -> ParticipantId:
    """The UAE participant id of a company: scheme 0235 and the TIN (first 10 digits of the TRN)."""
    digits = trn.strip()
    if not _TRN.match(digits):
        raise InvalidParticipantIdError("a UAE TRN has 15 digits")
    return ParticipantId(scheme=UAE_SCHEME, value=digits[:10])
