from __future__ import annotations

import pytest

from involinks.companies import validation
from involinks.companies.validation import ValidationProblem


@pytest.mark.parametrize("trn", ["100123456789003", "1 0012 3456 7890 03", "199999999999903"])
def test_trn_accepted(trn: str) -> None:
    assert validation.normalise_trn(trn) == trn.replace(" ", "")


@pytest.mark.parametrize(
    "trn",
    [
        "100123456789012",  # does not end with 03 (ibr-132-ae)
        "200123456789003",  # does not start with 1
        "10012345678903",  # 14 digits
        "1001234567890003",  # 16 digits
        "10012345678900A",
        "",
    ],
)
def test_trn_refused(trn: str) -> None:
    with pytest.raises(ValidationProblem, match="ibr-132-ae"):
        validation.normalise_trn(trn)


def test_tin_is_first_ten_digits() -> None:
    assert validation.tin_of("100123456789003") == "1001234567"


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+971501234567", "+971501234567"),
        ("+971 50 123 4567", "+971501234567"),
        ("00971561234567", "+971561234567"),
        ("0501234567", "+971501234567"),
        ("050-123-4567", "+971501234567"),
        ("+97142345678", "+97142345678"),  # Dubai landline
        ("04 234 5678", "+97142345678"),
        ("02 123 4567", "+97121234567"),  # Abu Dhabi
        ("(06) 512 3456", "+97165123456"),  # Sharjah
        ("07 222 3333", "+97172223333"),
        ("09 222 3333", "+97192223333"),
        ("03 765 4321", "+97137654321"),
    ],
)
def test_phone_normalised_to_e164(raw: str, e164: str) -> None:
    assert validation.normalise_uae_phone(raw) == e164


@pytest.mark.parametrize(
    "raw",
    [
        "+97150123456",  # mobile one digit short
        "+9715012345678",  # one digit too many
        "+97152345678",  # landline area code 5 with 7 digits: not a mobile, not a landline
        "0812345678",  # area code 8 does not exist
        "+966501234567",  # Saudi number
        "501234567",  # no prefix
        "05O1234567",
        "",
    ],
)
def test_phone_refused(raw: str) -> None:
    with pytest.raises(ValidationProblem):
        validation.normalise_uae_phone(raw)


@pytest.mark.parametrize("code", ["AUH", "DXB", "SHJ", "UAQ", "FUJ", "AJM", "RAK", "dxb"])
def test_emirates_of_ibr_128_ae(code: str) -> None:
    assert validation.normalise_emirate(code) == code.upper()


@pytest.mark.parametrize("code", ["DUBAI", "AD", "ALN", "", "XXX"])
def test_other_emirate_codes_refused(code: str) -> None:
    with pytest.raises(ValidationProblem, match="ibr-128-ae"):
        validation.normalise_emirate(code)


def test_trade_licence_needs_authority() -> None:
    with pytest.raises(ValidationProblem, match="ibr-172-ae"):
        validation.check_legal_registration("TL", "CN-1", None)
    assert validation.check_legal_registration("tl", " CN-1 ", " DET ") == ("TL", "CN-1", "DET")


def test_passport_needs_issuing_country_code() -> None:
    with pytest.raises(ValidationProblem, match="ibr-012-ae"):
        validation.check_legal_registration("PAS", "N1234567", "India")
    with pytest.raises(ValidationProblem, match="ibr-012-ae"):
        validation.check_legal_registration("PAS", "N1234567", None)
    assert validation.check_legal_registration("PAS", "N1234567", "in") == ("PAS", "N1234567", "IN")


@pytest.mark.parametrize("kind", ["EID", "CD"])
def test_eid_and_cabinet_decision_need_no_authority(kind: str) -> None:
    assert validation.check_legal_registration(kind, "784-1990-1234567-1", None)[0] == kind


@pytest.mark.parametrize("kind", ["CL", "VAT", "", "LICENCE"])
def test_unknown_registration_types_refused(kind: str) -> None:
    with pytest.raises(ValidationProblem, match="ibr-173-ae"):
        validation.check_legal_registration(kind, "X", "Y")
