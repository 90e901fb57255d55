"""Rate limits and the account lockout of the sign-in flows (one place to tune them)."""

from __future__ import annotations

from datetime import timedelta

from involinks.core.rate_limit import Limit

# Wrong passwords or second-factor codes in a row before the account is locked, and for how long.
LOCKOUT_THRESHOLD = 10
LOCKOUT_DURATION = timedelta(minutes=15)

# Per client address: credential stuffing spreads over many accounts, the lockout cannot see it.
LOGIN_PER_IP = Limit("login:ip", 30, timedelta(minutes=5))
MFA_VERIFY_PER_IP = Limit("mfa_verify:ip", 30, timedelta(minutes=5))
MFA_VERIFY_PER_USER = Limit("mfa_verify:user", 10, timedelta(minutes=15))
FORGOT_PER_IP = Limit("forgot:ip", 10, timedelta(hours=1))
# Per address, silently: more requests are answered the same but send nothing (no mail bombing).
FORGOT_PER_EMAIL = Limit("forgot:email", 3, timedelta(hours=1))
RESET_PER_IP = Limit("reset:ip", 20, timedelta(hours=1))
REFRESH_PER_IP = Limit("refresh:ip", 120, timedelta(minutes=5))
EMAIL_CODE_PER_USER = Limit("email_code:user", 5, timedelta(minutes=15))
MFA_MANAGE_PER_USER = Limit("mfa_manage:user", 10, timedelta(minutes=15))
PASSWORD_CHANGE_PER_USER = Limit("password_change:user", 10, timedelta(minutes=15))
