from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from involinks.core.types import Amount, ExactDecimal

_metadata = sa.MetaData()
_money = sa.Table(
    "tmp_money_check",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("amount", Amount()),
)


async def test_amounts_round_trip_and_sum_exactly(engine: AsyncEngine) -> None:
    values = [Decimal("0.10"), Decimal("0.20"), Decimal("1932.72"), Decimal("-5.01")]
    async with engine.connect() as conn:
        transaction = await conn.begin()
        await conn.run_sync(_metadata.create_all)
        await conn.execute(_money.insert(), [{"amount": v} for v in values])
        rows = (
            (await conn.execute(sa.select(_money.c.amount).order_by(_money.c.id))).scalars().all()
        )
        total = (await conn.execute(sa.select(sa.func.sum(_money.c.amount)))).scalar()
        larger = (
            await conn.execute(sa.select(sa.func.count()).where(_money.c.amount > Decimal("0.15")))
        ).scalar()
        await transaction.rollback()
    assert rows == values
    assert total == Decimal("1928.01")  # 0.1 + 0.2 is exactly 0.30 here, unlike floats
    assert larger == 2


def test_more_decimals_than_the_column_holds_is_refused() -> None:
    column_type = ExactDecimal(18, 2)
    with pytest.raises(ValueError, match="more than 2 decimal places"):
        column_type.process_bind_param(Decimal("1.005"), sa.create_engine("sqlite://").dialect)


@settings(max_examples=200)
@given(st.decimals(min_value=-(10**12), max_value=10**12, places=6, allow_nan=False))
def test_sqlite_scaled_integer_conversion_is_lossless(value: Decimal) -> None:
    dialect = sa.create_engine("sqlite://").dialect
    column_type = ExactDecimal(20, 6)
    stored = column_type.process_bind_param(value, dialect)
    assert isinstance(stored, int)
    assert column_type.process_result_value(stored, dialect) == value
