"""``peppol.requeue_overdue``: the periodic job `involinks beat` schedules.

With a broker, send and poll jobs are durable (acknowledged late, retried with Celery's own
countdown), so the one way a transmission is left behind is a job lost outright (a broker flushed,
a message expired). Its signature: a QUEUED transmission whose next attempt is long overdue, or
that never had one. Those get a new ``peppol.send``; the job is idempotent and waits for the
transmission's own attempt time, so a spare copy costs nothing. Transmissions being polled are
left alone: re-queueing their poll every few minutes would multiply the pollers.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from involinks.core import tenancy
from involinks.core.types import utcnow
from involinks.jobs import queue as job_queue
from involinks.jobs.registry import task
from involinks.peppol import tasks as peppol_tasks
from involinks.peppol.models import PeppolTransmission, TransmissionState
from involinks.peppol.service import SEND_JOB

REQUEUE_JOB = "peppol.requeue_overdue"
REQUEUE_EVERY_SECONDS = 300.0
# A send that is due goes out within seconds; ten minutes late means nobody holds its job.
OVERDUE_AFTER = timedelta(minutes=10)


@task(REQUEUE_JOB, max_retries=1)
async def requeue_overdue() -> int:
    sessions, _ = peppol_tasks.job_context()  # through the module: tests replace it
    cutoff = utcnow() - OVERDUE_AFTER
    async with job_queue.collecting() as jobs:
        async with sessions() as session:
            with tenancy.system_scope(session):
                ids = (
                    await session.scalars(
                        sa.select(PeppolTransmission.id).where(
                            PeppolTransmission.status == TransmissionState.QUEUED,
                            sa.or_(
                                PeppolTransmission.next_attempt_at < cutoff,
                                sa.and_(
                                    PeppolTransmission.next_attempt_at.is_(None),
                                    PeppolTransmission.created_at < cutoff,
                                ),
                            ),
                        )
                    )
                ).all()
            for transmission_id in ids:
                job_queue.enqueue(SEND_JOB, transmission_id=str(transmission_id))
            await session.commit()
        await jobs.send()
    return len(ids)
