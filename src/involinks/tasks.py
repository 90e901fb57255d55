"""Imports every domain's task module so the registry is complete in workers and in the app."""

import involinks.imports.tasks  # noqa: F401
from involinks.compliance import tasks as _compliance_tasks  # noqa: F401
from involinks.mail import service as _mail_tasks  # noqa: F401
from involinks.peppol import periodic as _peppol_periodic  # noqa: F401
from involinks.peppol import tasks as _peppol_tasks  # noqa: F401
from involinks.plans import tasks as _plans_tasks  # noqa: F401
