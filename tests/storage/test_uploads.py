from __future__ import annotations

import pytest

from involinks.storage.uploads import JPEG, PDF, PNG, safe_filename, sniff_content_type


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", PDF),
        (b"\x89PNG\r\n\x1a\n\x00\x00", PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG),
        (b"\xff\xd8\xff\xe1\x00\x10Exif", JPEG),
        (b"GIF89a", None),
        (b"MZ\x90\x00", None),
        (b"<svg xmlns=", None),
        (b"PK\x03\x04", None),
        (b"%PD", None),
        (b"", None),
    ],
)
def test_sniff_by_magic_bytes(head: bytes, expected: str | None) -> None:
    assert sniff_content_type(head) == expected


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("licence.pdf", PDF, "licence.pdf"),
        ("C:\\Users\\me\\licence.PDF", PDF, "licence.PDF"),
        ("../../x.png", PNG, "x.png"),
        ("photo.jpeg", JPEG, "photo.jpeg"),
        ("photo", JPEG, "photo.jpg"),
        ("evil.html", PNG, "evil.html.png"),
        ("a\x00b\r\n.pdf", PDF, "ab.pdf"),
        (None, PDF, "document.pdf"),
        ("...", PNG, "document.png"),
    ],
)
def test_safe_filename(name: str | None, content_type: str, expected: str) -> None:
    assert safe_filename(name, content_type) == expected
