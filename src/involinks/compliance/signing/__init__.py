"""Company signing keys and detached document signatures (pure: no database).

Issuing::

    stored = new_company_key(secret=settings.secret_key.get_secret_value(), company_id=...,
                             legal_name=..., trn=..., now=utcnow())          # once per key
    private_key = unlock_private_key(stored, secret=..., company_id=...)
    signature = sign(private_key, document_hash, xml_hash)                   # key_id + base64

Checking: ``verify_recorded({k.key_id: k.public_key_pem for k in company_keys}, signature, ...)``.
"""

from involinks.compliance.signing.keys import (
    KEY_SIZE,
    CertificateError,
    CompanySigningKey,
    SigningError,
    UploadedCredentials,
    certificate_pem,
    company_key_from_upload,
    encrypt_private_key,
    generate_private_key,
    key_encryption_password,
    key_id,
    load_certificate,
    load_encrypted_private_key,
    load_public_key,
    load_uploaded_credentials,
    new_company_key,
    public_key_pem,
    self_signed_certificate,
    unlock_private_key,
)
from involinks.compliance.signing.signature import (
    ALGORITHM,
    DocumentSignature,
    sign,
    sign_document,
    signature_payload,
    verify_recorded,
    verify_signature,
)

__all__ = [
    "ALGORITHM",
    "KEY_SIZE",
    "CertificateError",
    "CompanySigningKey",
    "DocumentSignature",
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
    "sign",
    "sign_document",
    "signature_payload",
    "unlock_private_key",
    "verify_recorded",
    "verify_signature",
]
