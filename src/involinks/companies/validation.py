"""What a company must supply at sign-up, checked against the UAE rules it will later invoice under.

PINT AE rules applied here to the company's own data (it becomes the seller party of its invoices):
- TRN (seller VAT identifier IBT-031): 15 digits, starting with 1 and ending with 03 (`ibr-132-ae`).
  Its first 10 digits are the TIN, the Peppol participant id `0235:<TIN>` (`ibr-148-ae`: 1XXXXXXXXX).
- Address: line 1, city and emirate are required (`ibr-143-ae`); the emirate is one of AUH, DXB, SHJ,
  UAQ, FUJ, AJM, RAK (`ibr-128-ae`; checked here because the official rule never fires on the seller
  address, see the upstream defects in the reference README).
- Legal registration identifier type (BTAE-15) is TL, EID, PAS or CD (`ibr-173-ae`); a trade licence
  needs its issuing authority (BTAE-12, `ibr-172-ae`); a passport needs its issuing country as an
  ISO 3166-1 alpha-2 code (BTAE-18, `ibr-012-ae`).
Phone numbers are not in PINT AE; UAE formats are accepted and stored as E.164 (+971...).
"""

from __future__ import annotations

import re

from involinks.invoicing.codes import Emirate, countries, endpoint_schemes
from involinks.peppol.participants import InvalidParticipantIdError, parse_participant_id

EMIRATES: frozenset[str] = frozenset(e.value for e in Emirate)
LEGAL_REGISTRATION_TYPES: frozenset[str] = frozenset({"TL", "EID", "PAS", "CD"})

_TRN = re.compile(r"^1[0-9]{12}03$")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
# National significant number after +971: mobiles 5X XXX XXXX; landlines area code 2 (Abu Dhabi),
# 3 (Al Ain), 4 (Dubai), 6 (Sharjah, Ajman, UAQ), 7 (RAK), 9 (Fujairah) + 7 digits.
_UAE_NSN = re.compile(r"^(5[0-9]{8}|[234679][0-9]{7})$")


class ValidationProblem(ValueError):
    """A value a user typed is not acceptable; the message says what to change."""


def normalise_trn(value: str) -> str:
    trn = re.sub(r"[\s-]", "", value)
    if not _TRN.fullmatch(trn):
        raise ValidationProblem(
            "The TRN must be the 15-digit UAE VAT registration number: it starts with 1 and ends "
            "with 03 (PINT AE rule ibr-132-ae)."
        )
    return trn


def tin_of(trn: str) -> str:
    """The tax identification number: the TRN's first 10 digits (ibr-148-ae)."""
    return trn[:10]


def normalise_uae_phone(value: str) -> str:
    """+9715XXXXXXXX, 009715..., 05XXXXXXXX and landlines (+971 4 XXX XXXX, 04 XXX XXXX) -> E.164."""
    compact = _PHONE_SEPARATORS.sub("", value.strip())
    if compact.startswith("+971"):
        nsn = compact[4:]
    elif compact.startswith("00971"):
        nsn = compact[5:]
    elif compact.startswith("0") and not compact.startswith("00"):
        nsn = compact[1:]
    else:
        nsn = ""
    if not _UAE_NSN.fullmatch(nsn):
        raise ValidationProblem(
            "Enter a UAE phone number: a mobile such as +971 50 123 4567 or 050 123 4567, or a "
            "landline such as +971 4 123 4567 or 04 123 4567."
        )
    return f"+971{nsn}"


def normalise_emirate(value: str) -> str:
    code = value.strip().upper()
    if code not in EMIRATES:
        raise ValidationProblem(
            f"The emirate must be one of {', '.join(e.value for e in Emirate)} (PINT AE rule "
            "ibr-128-ae)."
        )
    return code


def check_legal_registration(
    kind: str, identifier: str, authority: str | None
) -> tuple[str, str, str | None]:
    """Returns (type, id, authority) normalised, or raises with the rule that is not met."""
    kind = kind.strip().upper()
    identifier = identifier.strip()
    authority = authority.strip() if authority else None
    if kind not in LEGAL_REGISTRATION_TYPES:
        raise ValidationProblem(
            "The legal registration type must be TL (trade licence), EID (Emirates ID), PAS "
            "(passport) or CD (cabinet decision) (PINT AE rule ibr-173-ae)."
        )
    if not identifier:
        raise ValidationProblem("Enter the legal registration number.")
    if kind == "TL" and not authority:
        raise ValidationProblem(
            "A trade licence needs the name of its issuing authority, e.g. Department of Economy "
            "and Tourism (PINT AE rule ibr-172-ae)."
        )
    if kind == "PAS":
        country = (authority or "").upper()
        if not re.fullmatch(r"[A-Z]{2}", country) or country not in countries():
            raise ValidationProblem(
                "For a passport, give the issuing country as a two-letter ISO 3166 code such as AE "
                "(PINT AE rule ibr-012-ae)."
            )
        authority = country
    return kind, identifier, authority


def normalise_peppol_id(value: str) -> str:
    """A company's own Peppol participant id, "<scheme>:<value>" with a known address scheme."""
    try:
        participant = parse_participant_id(value)
    except InvalidParticipantIdError:
        raise ValueError(
            "The Peppol id must look like 0235:1234567890 (4-digit scheme, a colon, the id)."
        ) from None
    if participant.scheme not in endpoint_schemes():
        raise ValueError(f"{participant.scheme} is not a Peppol electronic address scheme.")
    return str(participant)
