"""Shared test data for sign-up and documents."""

from __future__ import annotations

import random
import struct
import uuid
import zlib
from typing import Any

STRONG_PASSWORD = "Sunrise-Over-Dubai-42"


def uae_trn() -> str:
    """A TRN as PINT AE ibr-132-ae wants it: 15 digits, starts with 1, ends with 03."""
    return f"1{random.randrange(10**12):012d}03"


def registration_payload(**overrides: Any) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:8]
    payload: dict[str, Any] = {
        "legal_name": f"Falcon Trading {tag} LLC",
        "trn": uae_trn(),
        "email": f"accounts-{tag}@falcon.ae",
        "phone": "050 123 4567",
        "address": {
            "line1": "Office 1201, Bay Square",
            "city": "Dubai",
            "emirate": "DXB",
            "country": "AE",
        },
        "legal_registration": {
            "type": "TL",
            "id": f"CN-{tag}",
            "authority": "Department of Economy and Tourism",
        },
        "admin": {
            "full_name": "Mariam Al Falasi",
            "email": f"Mariam.{tag}@Falcon.ae",
            "password": STRONG_PASSWORD,
        },
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(payload.get(key), dict):
            payload[key] = {**payload[key], **value}
        else:
            payload[key] = value
    return payload


def minimal_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def tiny_png() -> bytes:
    """A valid 1x1 PNG built by hand from the PNG specification."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def tiny_jpeg_header() -> bytes:
    # SOI + APP0 JFIF marker: enough for content sniffing.
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
