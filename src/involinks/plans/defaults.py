"""The plans InvoLinks starts with (migration 0008 seeds the same rows; the super admin edits them).

`FALLBACK_PLAN` is what a company gets when its plan row is missing: the Free terms, so an unknown
or deleted plan never unlocks anything (fail closed).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from involinks.plans.models import SubscriptionPlan

FREE = "FREE"

DEFAULT_PLANS: tuple[dict[str, Any], ...] = (
    {
        "code": FREE,
        "name": "Free",
        "description": "Try InvoLinks: issue a few e-invoices a month.",
        "position": 10,
        "monthly_invoice_limit": 10,
        "user_limit": 2,
        "peppol_sending": False,
        "accounts_payable": False,
        "bulk_import": False,
        "price_aed_monthly": Decimal("0.00"),
        "active": True,
    },
    {
        "code": "BASIC",
        "name": "Basic",
        "description": "Small businesses sending e-invoices over Peppol.",
        "position": 20,
        "monthly_invoice_limit": 100,
        "user_limit": 5,
        "peppol_sending": True,
        "accounts_payable": False,
        "bulk_import": False,
        "price_aed_monthly": Decimal("199.00"),
        "active": True,
    },
    {
        "code": "PRO",
        "name": "Pro",
        "description": "Growing teams: accounts payable with 3-way matching and bulk import.",
        "position": 30,
        "monthly_invoice_limit": 1000,
        "user_limit": 25,
        "peppol_sending": True,
        "accounts_payable": True,
        "bulk_import": True,
        "price_aed_monthly": Decimal("799.00"),
        "active": True,
    },
    {
        "code": "ENTERPRISE",
        "name": "Enterprise",
        "description": "Unlimited invoices and users.",
        "position": 40,
        "monthly_invoice_limit": None,
        "user_limit": None,
        "peppol_sending": True,
        "accounts_payable": True,
        "bulk_import": True,
        "price_aed_monthly": Decimal("2999.00"),
        "active": True,
    },
)


def fallback_plan() -> SubscriptionPlan:
    """A detached copy of the Free terms (never added to a session)."""
    return SubscriptionPlan(**DEFAULT_PLANS[0])
