"""Subscription plans: platform data the super admin edits (not company-scoped).

A company points at its plan by `Company.plan_code`. `monthly_invoice_limit` and `user_limit` are
`NULL` for "unlimited". Plans are listed, and upgrades suggested, in `position` order (cheapest
first). `active = false` takes a plan off the sign-up page and out of new assignments; companies
already on it keep its terms.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from involinks.core.base import Base, TimestampMixin
from involinks.core.types import Amount


class Feature(StrEnum):
    PEPPOL_SENDING = "peppol_sending"
    ACCOUNTS_PAYABLE = "accounts_payable"
    BULK_IMPORT = "bulk_import"

    @property
    def label(self) -> str:
        return _FEATURE_LABELS[self]


_FEATURE_LABELS = {
    Feature.PEPPOL_SENDING: "sending invoices over Peppol",
    Feature.ACCOUNTS_PAYABLE: "accounts payable",
    Feature.BULK_IMPORT: "bulk import",
}


class SubscriptionPlan(TimestampMixin, Base):
    __tablename__ = "subscription_plans"

    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    monthly_invoice_limit: Mapped[int | None] = mapped_column(sa.Integer)
    user_limit: Mapped[int | None] = mapped_column(sa.Integer)
    peppol_sending: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    accounts_payable: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    bulk_import: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    price_aed_monthly: Mapped[Decimal] = mapped_column(Amount(), default=Decimal(0))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)

    def has(self, feature: Feature) -> bool:
        return bool(getattr(self, feature.value))

    @property
    def features(self) -> dict[str, bool]:
        return {feature.value: self.has(feature) for feature in Feature}

    def __repr__(self) -> str:
        return f"<SubscriptionPlan {self.code}>"
