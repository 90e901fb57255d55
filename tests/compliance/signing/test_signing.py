"""Signing keys (RSA-2048, encrypted at rest, key ids, certificates) and detached signatures."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from involinks.compliance.signing import (
    ALGORITHM,
    CertificateError,
    DocumentSignature,
    SigningError,
    company_key_from_upload,
    generate_private_key,
    key_encryption_password,
    key_id,
    load_certificate,
    load_encrypted_private_key,
    load_uploaded_credentials,
    new_company_key,
    public_key_pem,
    self_signed_certificate,
    sign,
    sign_document,
    unlock_private_key,
    verify_recorded,
    verify_signature,
)
from involinks.compliance.signing.keys import encrypt_private_key

SECRET = "test-application-secret"
COMPANY = "2f1c1f3e-0000-4000-8000-000000000001"
OTHER_COMPANY = "2f1c1f3e-0000-4000-8000-000000000002"
NOW = datetime(2025, 2, 6, 8, 0, tzinfo=UTC)
INVOICE_HASH = hashlib.sha256(b"canonical invoice").hexdigest()
XML_HASH = hashlib.sha256(b"<Invoice/>").hexdigest()


@pytest.fixture(scope="module")
def private_key() -> rsa.RSAPrivateKey:
    return generate_private_key()


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return generate_private_key()


def _certificate(
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    *,
    not_before: datetime = NOW - timedelta(days=1),
    not_after: datetime = NOW + timedelta(days=365),
    issuer_key: rsa.RSAPrivateKey | None = None,
) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Uploaded Co LLC")])
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Some CA")])
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer if issuer_key is not None else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(issuer_key if issuer_key is not None else key, hashes.SHA256())
    )


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, password: bytes | None = None
) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


# --- keys ---------------------------------------------------------------------------------


def test_generated_key_is_rsa_2048(private_key: rsa.RSAPrivateKey) -> None:
    assert private_key.key_size == 2048
    assert private_key.public_key().public_numbers().e == 65537


def test_key_id_is_sha256_of_the_public_key_der(private_key: rsa.RSAPrivateKey) -> None:
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert key_id(private_key) == hashlib.sha256(der).hexdigest()
    assert key_id(private_key.public_key()) == key_id(private_key)


def test_password_is_bound_to_secret_and_company() -> None:
    password = key_encryption_password(SECRET, COMPANY)
    assert len(password) == 32
    assert password == key_encryption_password(SECRET, COMPANY)
    assert password != key_encryption_password(SECRET, OTHER_COMPANY)
    assert password != key_encryption_password("another-secret", COMPANY)
    with pytest.raises(SigningError):
        key_encryption_password("", COMPANY)


def test_private_key_is_stored_encrypted(private_key: rsa.RSAPrivateKey) -> None:
    password = key_encryption_password(SECRET, COMPANY)
    pem = encrypt_private_key(private_key, password)
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(TypeError):  # not readable without a password
        serialization.load_pem_private_key(pem, password=None)
    opened = load_encrypted_private_key(pem, password)
    assert key_id(opened) == key_id(private_key)
    with pytest.raises(SigningError):
        load_encrypted_private_key(pem, key_encryption_password(SECRET, OTHER_COMPANY))


def test_new_company_key_round_trip() -> None:
    stored = new_company_key(
        secret=SECRET,
        company_id=COMPANY,
        legal_name="Noor Trading LLC",
        trn="100123456700003",
        now=NOW,
    )
    assert not stored.uploaded
    assert stored.certificate_pem is not None
    assert stored.not_valid_before == NOW
    key = unlock_private_key(stored, secret=SECRET, company_id=COMPANY)
    assert key_id(key) == stored.key_id
    assert public_key_pem(key) == stored.public_key_pem
    # The blob of one company does not open as another's, nor with another secret.
    with pytest.raises(SigningError):
        unlock_private_key(stored, secret=SECRET, company_id=OTHER_COMPANY)
    with pytest.raises(SigningError):
        unlock_private_key(stored, secret="rotated-secret", company_id=COMPANY)


def test_new_company_key_without_certificate() -> None:
    stored = new_company_key(
        secret=SECRET,
        company_id=COMPANY,
        legal_name="Noor Trading LLC",
        trn="100123456700003",
        now=NOW,
        with_certificate=False,
    )
    assert stored.certificate_pem is None
    assert stored.not_valid_after is None


# --- self-signed certificate --------------------------------------------------------------


def test_self_signed_certificate(private_key: rsa.RSAPrivateKey) -> None:
    cert = self_signed_certificate(
        private_key, legal_name="Noor Trading LLC", trn="100123456700003", now=NOW
    )
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    assert [a.value for a in cn] == ["Noor Trading LLC"]
    serial_attr = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    assert [a.value for a in serial_attr] == ["100123456700003"]
    assert str(cert.serial_number).startswith("100123456700003")
    assert cert.issuer == cert.subject
    assert cert.not_valid_before_utc == NOW
    assert cert.not_valid_after_utc == datetime(2027, 2, 6, 8, 0, tzinfo=UTC)
    cert.verify_directly_issued_by(cert)
    assert key_id(cert.public_key()) == key_id(private_key)  # type: ignore[arg-type]
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.content_commitment
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_certificate_serials_differ_per_rotation(private_key: rsa.RSAPrivateKey) -> None:
    first = self_signed_certificate(private_key, legal_name="A", trn="100123456700003", now=NOW)
    later = self_signed_certificate(
        private_key, legal_name="A", trn="100123456700003", now=NOW + timedelta(days=400)
    )
    assert first.serial_number != later.serial_number


def test_certificate_from_29_february_lasts_two_years(private_key: rsa.RSAPrivateKey) -> None:
    leap = datetime(2028, 2, 29, 12, 0, tzinfo=UTC)
    cert = self_signed_certificate(private_key, legal_name="A", trn="100123456700003", now=leap)
    assert cert.not_valid_after_utc == datetime(2030, 2, 28, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("trn", ["", "TRN123", "1" * 21])
def test_certificate_needs_a_numeric_trn(private_key: rsa.RSAPrivateKey, trn: str) -> None:
    with pytest.raises(CertificateError):
        self_signed_certificate(private_key, legal_name="A", trn=trn, now=NOW)


def test_certificate_needs_an_aware_time(private_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(ValueError, match="timezone"):
        self_signed_certificate(private_key, legal_name="A", trn="1", now=NOW.replace(tzinfo=None))


# --- uploads ------------------------------------------------------------------------------


def test_pkcs12_upload(private_key: rsa.RSAPrivateKey) -> None:
    cert = _certificate(private_key)
    p12 = pkcs12.serialize_key_and_certificates(
        b"upload", private_key, cert, None, serialization.BestAvailableEncryption(b"pw")
    )
    credentials = load_uploaded_credentials(p12, password=b"pw", now=NOW)
    assert key_id(credentials.private_key) == key_id(private_key)
    assert credentials.certificate == cert
    with pytest.raises(CertificateError, match="PKCS#12"):
        load_uploaded_credentials(p12, password=b"wrong", now=NOW)


def test_pkcs12_without_key_is_refused(private_key: rsa.RSAPrivateKey) -> None:
    cert = _certificate(private_key)
    p12 = pkcs12.serialize_key_and_certificates(
        b"upload", None, cert, None, serialization.NoEncryption()
    )
    with pytest.raises(CertificateError, match="no private key"):
        load_uploaded_credentials(p12, now=NOW)


def test_pem_upload_combined_and_separate(
    private_key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey
) -> None:
    cert = _certificate(private_key, issuer_key=other_key)
    ca = _certificate(other_key)
    combined = _pem(ca) + _pem(cert) + _key_pem(private_key)
    chosen = load_uploaded_credentials(combined, now=NOW).certificate
    assert chosen == cert  # the chain's CA certificate is skipped
    separate = load_uploaded_credentials(
        _pem(cert), key_data=_key_pem(private_key, b"pw"), password=b"pw", now=NOW
    )
    assert key_id(separate.private_key) == key_id(private_key)


def test_upload_with_a_foreign_certificate_is_refused(
    private_key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey
) -> None:
    with pytest.raises(CertificateError, match="does not belong"):
        load_uploaded_credentials(
            _pem(_certificate(other_key)), key_data=_key_pem(private_key), now=NOW
        )


@pytest.mark.parametrize(
    ("not_before", "not_after", "message"),
    [
        (NOW - timedelta(days=800), NOW - timedelta(days=1), "expired"),
        (NOW + timedelta(days=1), NOW + timedelta(days=800), "not valid yet"),
    ],
)
def test_upload_outside_its_validity_is_refused(
    private_key: rsa.RSAPrivateKey, not_before: datetime, not_after: datetime, message: str
) -> None:
    cert = _certificate(private_key, not_before=not_before, not_after=not_after)
    with pytest.raises(CertificateError, match=message):
        load_uploaded_credentials(_pem(cert) + _key_pem(private_key), now=NOW)


def test_upload_of_a_non_rsa_or_short_key_is_refused() -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(CertificateError, match="RSA"):
        load_uploaded_credentials(_pem(_certificate(ec_key)) + _key_pem(ec_key), now=NOW)
    short = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(CertificateError, match="2048"):
        load_uploaded_credentials(_pem(_certificate(short)) + _key_pem(short), now=NOW)


def test_upload_without_key_or_garbage_is_refused(private_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(CertificateError, match="no private key"):
        load_uploaded_credentials(_pem(_certificate(private_key)), now=NOW)
    with pytest.raises(CertificateError):
        load_uploaded_credentials(b"not a certificate at all", now=NOW)
    with pytest.raises(CertificateError):
        load_uploaded_credentials(b"-----BEGIN CERTIFICATE-----\ngarbage\n", now=NOW)


def test_company_key_from_upload(private_key: rsa.RSAPrivateKey) -> None:
    cert = _certificate(private_key)
    stored = company_key_from_upload(
        _pem(cert) + _key_pem(private_key), secret=SECRET, company_id=COMPANY, now=NOW
    )
    assert stored.uploaded
    assert stored.key_id == key_id(private_key)
    assert stored.certificate_pem is not None
    assert load_certificate(stored.certificate_pem) == cert
    assert key_id(unlock_private_key(stored, secret=SECRET, company_id=COMPANY)) == stored.key_id


# --- signatures ---------------------------------------------------------------------------


def test_signature_is_pss_sha256_over_the_seed_payload(private_key: rsa.RSAPrivateKey) -> None:
    signature_b64 = sign_document(private_key, INVOICE_HASH, XML_HASH)
    raw = base64.b64decode(signature_b64)
    assert len(raw) == 256
    # Checked with cryptography directly, following seed 4.3: invoice_hash + "|" + xml_hash.
    private_key.public_key().verify(
        raw,
        f"{INVOICE_HASH}|{XML_HASH}".encode(),
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
        hashes.SHA256(),
    )
    with pytest.raises(InvalidSignature):
        private_key.public_key().verify(
            raw,
            f"{XML_HASH}|{INVOICE_HASH}".encode(),
            padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
            hashes.SHA256(),
        )


def test_sign_and_verify(private_key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey) -> None:
    signature_b64 = sign_document(private_key, INVOICE_HASH, XML_HASH)
    public = private_key.public_key()
    assert verify_signature(public, INVOICE_HASH, XML_HASH, signature_b64)
    assert verify_signature(public_key_pem(private_key), INVOICE_HASH, XML_HASH, signature_b64)
    assert verify_signature(
        public_key_pem(private_key).encode(), INVOICE_HASH, XML_HASH, signature_b64
    )
    other_hash = hashlib.sha256(b"changed").hexdigest()
    assert not verify_signature(public, other_hash, XML_HASH, signature_b64)
    assert not verify_signature(public, INVOICE_HASH, other_hash, signature_b64)
    assert not verify_signature(other_key.public_key(), INVOICE_HASH, XML_HASH, signature_b64)


def test_pss_signatures_are_randomised(private_key: rsa.RSAPrivateKey) -> None:
    first = sign_document(private_key, INVOICE_HASH, XML_HASH)
    second = sign_document(private_key, INVOICE_HASH, XML_HASH)
    assert first != second
    public = private_key.public_key()
    assert verify_signature(public, INVOICE_HASH, XML_HASH, first)
    assert verify_signature(public, INVOICE_HASH, XML_HASH, second)


@pytest.mark.parametrize("bad", ["", "abc", "A" * 64, "a" * 63, "a" * 64 + "|"])
def test_signing_refuses_anything_but_sha256_hex(private_key: rsa.RSAPrivateKey, bad: str) -> None:
    with pytest.raises(SigningError):
        sign_document(private_key, bad, XML_HASH)
    with pytest.raises(SigningError):
        sign_document(private_key, INVOICE_HASH, bad)


def test_verify_never_raises_on_bad_input(private_key: rsa.RSAPrivateKey) -> None:
    good = sign_document(private_key, INVOICE_HASH, XML_HASH)
    public = private_key.public_key()
    ec_pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    cases: list[tuple[rsa.RSAPublicKey | str | bytes, str, str, str]] = [
        (public, INVOICE_HASH, XML_HASH, "not base64!"),
        (public, INVOICE_HASH, XML_HASH, ""),
        (public, INVOICE_HASH, XML_HASH, good[:-8]),
        (public, INVOICE_HASH, XML_HASH, base64.b64encode(b"\x00" * 256).decode()),
        (public, "nothex", XML_HASH, good),
        (public, INVOICE_HASH.upper(), XML_HASH, good),
        (
            "-----BEGIN PUBLIC KEY-----\nbroken\n-----END PUBLIC KEY-----\n",
            INVOICE_HASH,
            XML_HASH,
            good,
        ),
        (b"", INVOICE_HASH, XML_HASH, good),
        (ec_pem, INVOICE_HASH, XML_HASH, good),
    ]
    for key, invoice_hash, xml_hash, signature_b64 in cases:
        assert verify_signature(key, invoice_hash, xml_hash, signature_b64) is False
    ec_key: Any = ec.generate_private_key(ec.SECP256R1()).public_key()
    assert verify_signature(ec_key, INVOICE_HASH, XML_HASH, good) is False
    assert verify_signature(public, INVOICE_HASH, XML_HASH, None) is False  # type: ignore[arg-type]


_HYPOTHESIS_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@settings(max_examples=100, deadline=None)
@given(signature_b64=st.text(max_size=400))
def test_verify_returns_false_for_any_text(signature_b64: str) -> None:
    assert (
        verify_signature(_HYPOTHESIS_KEY.public_key(), INVOICE_HASH, XML_HASH, signature_b64)
        is False
    )


def test_key_rotation_uses_the_recorded_key_id(
    private_key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey
) -> None:
    old_hash = hashlib.sha256(b"document signed before rotation").hexdigest()
    new_hash = hashlib.sha256(b"document signed after rotation").hexdigest()
    old_signature = sign(private_key, old_hash, XML_HASH)
    new_signature = sign(other_key, new_hash, XML_HASH)
    assert old_signature.key_id == key_id(private_key)
    assert old_signature.algorithm == ALGORITHM
    ring = {key_id(k): public_key_pem(k) for k in (private_key, other_key)}
    assert verify_recorded(ring, old_signature, old_hash, XML_HASH)
    assert verify_recorded(ring, new_signature, new_hash, XML_HASH)
    # Without the retired key, old documents cannot be checked; they do not pass by accident.
    only_new = {key_id(other_key): public_key_pem(other_key)}
    assert not verify_recorded(only_new, old_signature, old_hash, XML_HASH)
    # A key filed under the wrong id is refused even if the signature would verify with it.
    mislabelled = DocumentSignature(key_id="f" * 64, value=old_signature.value)
    assert not verify_recorded(
        {"f" * 64: private_key.public_key()}, mislabelled, old_hash, XML_HASH
    )
    unknown_algorithm = DocumentSignature(
        key_id=old_signature.key_id, value=old_signature.value, algorithm="RSA-PKCS1v15"
    )
    assert not verify_recorded(ring, unknown_algorithm, old_hash, XML_HASH)
    assert not verify_recorded({old_signature.key_id: "garbage"}, old_signature, old_hash, XML_HASH)
