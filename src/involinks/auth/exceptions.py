"""Refusals of the sign-in flows.

`AuthFailure`s are answered by the router as responses rather than raised through the request's unit
of work, because what they leave behind must be committed: the failed-attempt counter, the lock, the
revoked token family, the audit row. (A raised error rolls the unit of work back.)
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from involinks.companies.models import CompanyStatus
from involinks.errors import AppError


class AuthFailure(AppError):
    pass


class InvalidCredentials(AuthFailure):
    status_code = 401
    code = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__("The e-mail address or password is incorrect.")


class InvalidMfaCode(AuthFailure):
    code = "invalid_mfa_code"

    def __init__(self, *, status_code: int = 401) -> None:
        super().__init__(
            "The verification code is not valid. Check it and try again.", status_code=status_code
        )


class SessionInvalid(AuthFailure):
    """A refresh token or MFA step that cannot be used (unknown, expired, rotated or revoked)."""

    status_code = 401
    code = "session_invalid"

    def __init__(self, message: str = "Your session has ended. Sign in again.") -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class AccountLocked(AuthFailure):
    status_code = 423
    code = "account_locked"

    def __init__(self, locked_until: datetime, *, now: datetime) -> None:
        retry_after = max(1, math.ceil((locked_until - now).total_seconds()))
        super().__init__(
            "Too many failed sign-in attempts. The account is locked until "
            f"{locked_until.strftime('%Y-%m-%d %H:%M')} UTC.",
            details={"locked_until": locked_until.isoformat(), "retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )
        self.locked_until = locked_until


class AccountDisabled(AuthFailure):
    status_code = 403
    code = "account_disabled"

    def __init__(self) -> None:
        super().__init__(
            "This user account has been deactivated. Ask your company administrator to restore it."
        )


_COMPANY_MESSAGES = {
    CompanyStatus.PENDING_APPROVAL: (
        "Your company's registration is awaiting approval by the InvoLinks team. You can sign in "
        "once it has been approved; we will e-mail you."
    ),
    CompanyStatus.REJECTED: "Your company's registration was rejected",
    CompanyStatus.SUSPENDED: "Your company's account has been suspended",
}


class CompanyNotActive(AuthFailure):
    status_code = 403
    code = "company_not_active"

    def __init__(self, status: CompanyStatus | None, reason: str | None = None) -> None:
        if status in (CompanyStatus.REJECTED, CompanyStatus.SUSPENDED):
            message = _COMPANY_MESSAGES[status]
            message += f": {reason.strip()}" if reason and reason.strip() else ""
            message += ". Contact the InvoLinks team if you have questions."
        elif status is CompanyStatus.PENDING_APPROVAL:
            message = _COMPANY_MESSAGES[status]
        else:
            message = "Your user is not linked to an active company."
        details: dict[str, Any] = {"company_status": status.value if status else None}
        super().__init__(message, details=details)


class InvalidPasswordToken(AuthFailure):
    status_code = 400
    code = "invalid_token"

    def __init__(self) -> None:
        super().__init__("This link is invalid, already used or expired. Request a new one.")
