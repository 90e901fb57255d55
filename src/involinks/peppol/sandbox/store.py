"""On-disk state of the sandbox: ``messages/<id>.xml`` + ``messages/<id>.json`` and
``participants.json`` under the data dir. Writes go through a temp file and ``os.replace`` so a
crash never leaves half a record."""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from involinks.peppol.sandbox.models import SandboxMessage
from involinks.peppol.sandbox.settings import SandboxParticipant

__all__ = ["SandboxStore"]

log = logging.getLogger(__name__)

# Message ids come from URLs: allow only what a UUID-ish id needs, never a path separator.
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_PARTICIPANTS = TypeAdapter(list[SandboxParticipant])


def is_safe_id(message_id: str) -> bool:
    return bool(_SAFE_ID.match(message_id)) and ".." not in message_id


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class SandboxStore:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.messages_dir = data_dir / "messages"
        self.messages_dir.mkdir(parents=True, exist_ok=True)
        self._participants_path = data_dir / "participants.json"

    def _paths(self, message_id: str) -> tuple[Path, Path]:
        if not is_safe_id(message_id):
            raise ValueError("unsafe message id")
        return (
            self.messages_dir / f"{message_id}.json",
            self.messages_dir / f"{message_id}.xml",
        )

    def save_message(self, message: SandboxMessage, xml: bytes | None = None) -> None:
        meta, body = self._paths(message.message_id)
        if xml is not None:
            _write_atomic(body, xml)
        _write_atomic(meta, message.model_dump_json(indent=2).encode())

    def read_xml(self, message_id: str) -> bytes:
        return self._paths(message_id)[1].read_bytes()

    def load_messages(self) -> dict[str, SandboxMessage]:
        messages: dict[str, SandboxMessage] = {}
        for path in sorted(self.messages_dir.glob("*.json")):
            try:
                message = SandboxMessage.model_validate_json(path.read_bytes())
            except (OSError, ValidationError):
                log.warning("skipping unreadable sandbox record", extra={"file": path.name})
                continue
            messages[message.message_id] = message
        return messages

    def load_participants(self) -> list[SandboxParticipant] | None:
        if not self._participants_path.exists():
            return None
        return _PARTICIPANTS.validate_json(self._participants_path.read_bytes())

    def save_participants(self, participants: list[SandboxParticipant]) -> None:
        data = json.dumps([p.model_dump() for p in participants], indent=2).encode()
        _write_atomic(self._participants_path, data)
