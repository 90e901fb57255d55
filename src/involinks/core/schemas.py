"""Pydantic base classes and the money type used in every API payload."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, PlainSerializer

_CENT = Decimal("0.01")


def _money_str(value: Decimal) -> str:
    return str(value.quantize(_CENT))


# Money in JSON is a decimal string ("1932.72"), never a float.
Money = Annotated[Decimal, PlainSerializer(_money_str, return_type=str, when_used="json")]
DecimalStr = Annotated[
    Decimal,
    PlainSerializer(lambda d: format(d.normalize(), "f"), return_type=str, when_used="json"),
]


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True)


class InputSchema(BaseModel):
    """Request bodies: unknown fields are refused so a typo is not silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


T = TypeVar("T")


class Page(Schema, Generic[T]):
    items: list[T]
    total: int
    page: int = 1
    page_size: int = 50
