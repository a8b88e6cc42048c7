"""The time proposals of a booking as rows: the open one, closing it, and its lapse.

A booking has at most one open `TimeProposal` (the partial unique index
`uq_time_proposals_open` decides, not Python). This small module is what both the booking
service (which closes an open proposal when a request is approved, declined, cancelled or
expires) and the negotiation service (which makes and answers proposals) need, so neither
imports the other for it. docs/architecture.md, "Negotiation".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.services import due
from store.models import DueWork, TimeProposal
from store.statuses import DueStatus, ProposalStatus

PROPOSAL_LAPSE = "proposal_lapse"
OPEN_INDEX = "uq_time_proposals_open"


def open_proposal(session: Session, booking_id: int) -> TimeProposal | None:
    """The booking's open proposal, freshly read (the caller holds the booking's lock)."""
    return session.scalar(
        select(TimeProposal)
        .where(TimeProposal.booking_id == booking_id, TimeProposal.status == ProposalStatus.OPEN)
        .execution_options(populate_existing=True)
    )


def close(
    session: Session, proposal: TimeProposal, status: ProposalStatus, *, now: datetime
) -> None:
    """Close a proposal for good, and drop its planned lapse."""
    proposal.status = status
    proposal.closed_at = now
    session.flush()
    session.execute(
        update(DueWork)
        .where(DueWork.key == lapse_key(proposal.id), DueWork.status == DueStatus.PENDING)
        .values(status=DueStatus.CANCELLED)
    )


def close_open(
    session: Session, booking_id: int, status: ProposalStatus, *, now: datetime
) -> TimeProposal | None:
    """Close the booking's open proposal, if there is one (its booking was settled)."""
    proposal = open_proposal(session, booking_id)
    if proposal is not None:
        close(session, proposal, status, now=now)
    return proposal


def lapse_key(proposal_id: int) -> str:
    return f"{PROPOSAL_LAPSE}:{proposal_id}"


def plan_lapse(
    session: Session, proposal: TimeProposal, *, booking_id: int, at: datetime, now: datetime
) -> None:
    """An unanswered proposal lapses at `at` (the earlier of the session's time and the
    proposed one): the session's time stands and the proposer is told."""
    due.schedule(
        session,
        key=lapse_key(proposal.id),
        kind=PROPOSAL_LAPSE,
        due_at=max(at, now),
        now=now,
        booking_id=booking_id,
        recipient_id=proposal.proposed_by,
        payload={"proposal_id": proposal.id},
    )
