"""Per-company signing keys: RSA-2048, stored encrypted, identified by a key id.

* The private key is stored as encrypted PKCS#8 PEM (``BestAvailableEncryption``). Its password is
  derived from the application secret by HKDF-SHA256 with the company id in the ``info`` string,
  so a key blob copied onto another company does not open, and no password is ever stored.
  The caller passes the secret (``settings.secret_key``); this module reads no settings.
* The key id is the SHA-256 (hex) of the public key's DER ``SubjectPublicKeyInfo``: stable, public,
  and recorded with every signature so verification still finds the right key after a rotation.
* A company either gets a self-signed X.509 certificate (CN = legal name, subject serialNumber and
  certificate serial derived from the TRN, 2 years) or uploads its own certificate and key
  (PKCS#12 or PEM); an upload must be RSA >= 2048 bits, currently valid, and the certificate must
  belong to the key.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from uuid import UUID

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from involinks.core.crypto import derive_key

__all__ = [
    "KEY_SIZE",
    "CertificateError",
    "CompanySigningKey",
    "SigningError",
    "UploadedCredentials",
    "certificate_pem",
    "company_key_from_upload",
    "encrypt_private_key",
    "generate_private_key",
    "key_encryption_password",
    "key_id",
    "load_certificate",
    "load_encrypted_private_key",
    "load_public_key",
    "load_uploaded_credentials",
    "new_company_key",
    "public_key_pem",
    "self_signed_certificate",
    "unlock_private_key",
]

KEY_SIZE: Final = 2048
_PUBLIC_EXPONENT: Final = 65537
_HKDF_INFO_PREFIX: Final = b"involinks/signing-key/pkcs8-password/v1:"
_CERT_VALIDITY_YEARS: Final = 2
_TRN_RE: Final = re.compile(r"^\d{1,20}$")
#: id-kp-documentSigning (RFC 9336).
_DOCUMENT_SIGNING: Final = ObjectIdentifier("1.3.6.1.5.5.7.3.36")


class SigningError(ValueError):
    """A key cannot be created, opened or used (never carries key material in its message)."""


class CertificateError(SigningError):
    """A certificate is unreadable, expired, not yet valid, or does not match its key."""


def generate_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=_PUBLIC_EXPONENT, key_size=KEY_SIZE)


def key_encryption_password(secret: str, company_id: str | UUID) -> bytes:
    """The PKCS#8 password of a company's key: HKDF-SHA256(secret, info = purpose + company)."""
    if not secret:
        raise SigningError("an application secret is needed to protect signing keys")
    return derive_key(secret, info=_HKDF_INFO_PREFIX + str(company_id).encode())


def encrypt_private_key(private_key: rsa.RSAPrivateKey, password: bytes) -> bytes:
    return private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.BestAvailableEncryption(password),
    )


def load_encrypted_private_key(pem: bytes, password: bytes) -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=password)
    except (ValueError, TypeError) as exc:
        raise SigningError("the signing key does not open with this password") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SigningError("the signing key is not an RSA key")
    return key


def _public(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> rsa.RSAPublicKey:
    return key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key


def public_key_pem(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> str:
    return (
        _public(key)
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def load_public_key(pem: str | bytes) -> rsa.RSAPublicKey:
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise SigningError("not a PEM public key") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise SigningError("the public key is not an RSA key")
    return key


def key_id(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> str:
    """SHA-256 (hex) of the DER SubjectPublicKeyInfo."""
    der = _public(key).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def _plus_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def self_signed_certificate(
    private_key: rsa.RSAPrivateKey, *, legal_name: str, trn: str, now: datetime
) -> x509.Certificate:
    """A 2-year self-signed certificate for the company's signing key.

    Subject: CN = legal name, O = legal name, serialNumber = TRN, C = AE. The certificate serial is
    the TRN digits followed by the issue time (YYYYMMDDhhmmss): derived from the TRN as asked, yet
    distinct for each rotation, as RFC 5280 wants serials unique per issuer.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not _TRN_RE.fullmatch(trn):
        raise CertificateError("the TRN must be digits only")
    if not legal_name.strip():
        raise CertificateError("the legal name must not be empty")
    start = now.replace(microsecond=0)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, legal_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, legal_name),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, trn),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "AE"),
        ]
    )
    serial = int(trn + start.strftime("%Y%m%d%H%M%S"))
    public = private_key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(serial)
        .not_valid_before(start)
        .not_valid_after(_plus_years(start, _CERT_VALIDITY_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([_DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(private_key, hashes.SHA256())
    )


def certificate_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def load_certificate(pem: str | bytes) -> x509.Certificate:
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError as exc:
        raise CertificateError("not a PEM certificate") from exc


@dataclass(frozen=True, slots=True)
class UploadedCredentials:
    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate


def _check_pair(
    private_key: object, certificate: x509.Certificate | None, now: datetime
) -> UploadedCredentials:
    if private_key is None:
        raise CertificateError("no private key found in the upload")
    if certificate is None:
        raise CertificateError("no certificate found in the upload")
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise CertificateError("the key must be an RSA key (signatures use RSA-PSS)")
    if private_key.key_size < KEY_SIZE:
        raise CertificateError(f"the RSA key must have at least {KEY_SIZE} bits")
    if key_id(private_key) != _certificate_key_id(certificate):
        raise CertificateError("the certificate does not belong to the private key")
    if now < certificate.not_valid_before_utc:
        raise CertificateError("the certificate is not valid yet")
    if now > certificate.not_valid_after_utc:
        raise CertificateError("the certificate has expired")
    return UploadedCredentials(private_key, certificate)


def _certificate_key_id(certificate: x509.Certificate) -> str:
    public = certificate.public_key()
    if not isinstance(public, rsa.RSAPublicKey):
        raise CertificateError("the certificate's key must be an RSA key")
    return key_id(public)


def load_uploaded_credentials(
    data: bytes,
    *,
    password: bytes | None = None,
    key_data: bytes | None = None,
    now: datetime,
) -> UploadedCredentials:
    """Read an uploaded certificate and private key and check they belong together.

    ``data`` is a PKCS#12 file (``.p12`` / ``.pfx``) or PEM text holding the certificate (and the
    key, unless ``key_data`` brings it as a separate PEM file). ``password`` opens the PKCS#12 file
    or an encrypted PEM key. The first certificate whose key matches is taken (a PEM chain may list
    CA certificates too).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if b"-----BEGIN" not in data:
        try:
            key, certificate, _extra = pkcs12.load_key_and_certificates(data, password)
        except (ValueError, TypeError) as exc:
            raise CertificateError("the PKCS#12 file cannot be opened (wrong password?)") from exc
        return _check_pair(key, certificate, now)

    key_pem = key_data if key_data is not None else data
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise CertificateError("no readable PEM certificate in the upload") from exc
    if b"PRIVATE KEY-----" not in key_pem:
        raise CertificateError("no private key found in the upload")
    try:
        key = serialization.load_pem_private_key(key_pem, password=password)
    except (ValueError, TypeError) as exc:
        raise CertificateError("the private key cannot be read (wrong password?)") from exc
    wanted = key_id(key) if isinstance(key, rsa.RSAPrivateKey) else None
    chosen = next(
        (
            cert
            for cert in certificates
            if isinstance(cert.public_key(), rsa.RSAPublicKey)
            and _certificate_key_id(cert) == wanted
        ),
        certificates[0],
    )
    return _check_pair(key, chosen, now)


@dataclass(frozen=True, slots=True)
class CompanySigningKey:
    """What is stored per company key (one row each; rotation adds a row, old rows are kept)."""

    key_id: str
    public_key_pem: str
    encrypted_private_key_pem: bytes
    certificate_pem: str | None
    not_valid_before: datetime | None
    not_valid_after: datetime | None
    uploaded: bool


def _stored(
    private_key: rsa.RSAPrivateKey,
    certificate: x509.Certificate | None,
    *,
    secret: str,
    company_id: str | UUID,
    uploaded: bool,
) -> CompanySigningKey:
    password = key_encryption_password(secret, company_id)
    return CompanySigningKey(
        key_id=key_id(private_key),
        public_key_pem=public_key_pem(private_key),
        encrypted_private_key_pem=encrypt_private_key(private_key, password),
        certificate_pem=None if certificate is None else certificate_pem(certificate),
        not_valid_before=None if certificate is None else certificate.not_valid_before_utc,
        not_valid_after=None if certificate is None else certificate.not_valid_after_utc,
        uploaded=uploaded,
    )


def new_company_key(
    *,
    secret: str,
    company_id: str | UUID,
    legal_name: str,
    trn: str,
    now: datetime,
    with_certificate: bool = True,
) -> CompanySigningKey:
    """Generate a company's signing key (and by default its self-signed certificate)."""
    private_key = generate_private_key()
    certificate = (
        self_signed_certificate(private_key, legal_name=legal_name, trn=trn, now=now)
        if with_certificate
        else None
    )
    return _stored(private_key, certificate, secret=secret, company_id=company_id, uploaded=False)


def company_key_from_upload(
    data: bytes,
    *,
    secret: str,
    company_id: str | UUID,
    now: datetime,
    password: bytes | None = None,
    key_data: bytes | None = None,
) -> CompanySigningKey:
    """Store an uploaded certificate + key (checked by :func:`load_uploaded_credentials`)."""
    credentials = load_uploaded_credentials(data, password=password, key_data=key_data, now=now)
    return _stored(
        credentials.private_key,
        credentials.certificate,
        secret=secret,
        company_id=company_id,
        uploaded=True,
    )


def unlock_private_key(
    stored: CompanySigningKey, *, secret: str, company_id: str | UUID
) -> rsa.RSAPrivateKey:
    """Open a stored key for signing; checks it is the key its id says."""
    key = load_encrypted_private_key(
        stored.encrypted_private_key_pem, key_encryption_password(secret, company_id)
    )
    if key_id(key) != stored.key_id:
        raise SigningError("the stored key does not match its key id")
    return key
