from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import Field

from involinks.auth.models import MfaMethod
from involinks.auth.permissions import Role
from involinks.companies.models import CompanyStatus
from involinks.core.schemas import InputSchema, Schema

Email = Annotated[str, Field(min_length=3, max_length=320)]
# Generous upper bound: the rules say 72 bytes, but a long input must reach them to be explained.
Password = Annotated[str, Field(min_length=1, max_length=1024)]
Code = Annotated[str, Field(min_length=4, max_length=32)]


class LoginRequest(InputSchema):
    email: Email
    password: Password


class LoginResponse(Schema):
    """Either tokens, or `mfa_required` with the token for the second step."""

    access_token: str | None = None
    refresh_token: str | None = None
    token_type: Literal["bearer"] | None = None
    mfa_required: bool = False
    mfa_token: str | None = None
    methods: list[str] | None = None
    mfa_enrolment_required: bool | None = None


class MfaVerifyRequest(InputSchema):
    mfa_token: Annotated[str, Field(min_length=1, max_length=2048)]
    code: Code
    method: MfaMethod | None = None


class MfaTokenRequest(InputSchema):
    mfa_token: Annotated[str, Field(min_length=1, max_length=2048)]


class TokenResponse(Schema):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"


class RefreshRequest(InputSchema):
    refresh_token: Annotated[str, Field(min_length=1, max_length=512)] | None = None


class ChangePasswordRequest(InputSchema):
    current_password: Password
    new_password: Password


class ForgotPasswordRequest(InputSchema):
    email: Email


class ResetPasswordRequest(InputSchema):
    token: Annotated[str, Field(min_length=1, max_length=512)]
    new_password: Password


class MessageResponse(Schema):
    message: str


class TotpSetupResponse(Schema):
    secret: str
    otpauth_uri: str
    qr_svg: str


class CodeRequest(InputSchema):
    code: Code


class EmailEnableRequest(InputSchema):
    code: Code | None = None


class MfaDisableRequest(InputSchema):
    code: Code
    method: Literal[MfaMethod.TOTP, MfaMethod.EMAIL] | None = None


class BackupCodesResponse(Schema):
    backup_codes: list[str]
    methods: list[MfaMethod]


class EmailEnableResponse(Schema):
    status: Literal["code_sent", "enabled"]
    methods: list[MfaMethod]
    backup_codes: list[str] | None = None


class MfaMethodsResponse(Schema):
    methods: list[MfaMethod]


class MeUser(Schema):
    id: uuid.UUID
    email: str
    full_name: str
    role: Role
    mfa_enabled: bool
    mfa_methods: list[MfaMethod]
    backup_codes_remaining: int


class MeCompany(Schema):
    id: uuid.UUID
    legal_name: str
    trn: str
    status: CompanyStatus
    plan_code: str
    mfa_required: bool


class MeResponse(Schema):
    user: MeUser
    company: MeCompany | None
    mfa_enrolment_required: bool


PasswordRules = dict[str, Any]
