"""Imports every domain's models, so Alembic and the mapper see the whole schema."""

from involinks.auth.models import User
from involinks.companies.models import Company
from involinks.core.base import Base

__all__ = ["Base", "Company", "User"]
