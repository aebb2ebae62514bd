"""The status workflows: one small, explicit state machine per entity.

A workflow lists its transitions (source, target, action, the roles allowed to make it). Services
call ``Workflow.apply``, which refuses anything not listed with a ``TransitionError`` whose message
the user can read, changes the status, and writes the AuditEvent. Ownership ("is this your
profile?") is checked by the services before they call it; the workflow checks roles only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from app.errors import TransitionError

if TYPE_CHECKING:
    from app.accounts.models import User


class Role(StrEnum):
    APPLICANT = "applicant"
    RECRUITER = "recruiter"
    OFFICER = "officer"
    ADMIN = "admin"


ROLE_TITLES = {
    Role.APPLICANT: _l("Applicant"),
    Role.RECRUITER: _l("Zone recruiter"),
    Role.OFFICER: _l("Cooperation officer"),
    Role.ADMIN: _l("Administrator"),
}

SYSTEM = "system"  # the actor of scheduled changes (e.g. an opportunity expiring at its deadline)


class ApplicationStatus(StrEnum):
    """Status of a professional profile or an institution application."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    SUSPENDED = "suspended"


class OpportunityStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    EXPIRED = "expired"


class NeedStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class MatchStage(StrEnum):
    PROPOSED = "proposed"
    SHORTLISTED = "shortlisted"
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    APPROVED = "approved"
    REJECTED = "rejected"
    DISMISSED = "dismissed"


STATUS_TITLES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted for review"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
    "suspended": _l("Suspended"),
    "open": _l("Open"),
    "closed": _l("Closed"),
    "expired": _l("Expired"),
    "proposed": _l("Proposed"),
    "shortlisted": _l("Shortlisted"),
    "invited": _l("Invited"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "dismissed": _l("Dismissed"),
}


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    action: str
    roles: frozenset[str]


def _transitions(roles: set[str], action: str, *pairs: tuple[StrEnum, StrEnum]) -> list[Transition]:
    return [Transition(source.value, target.value, action, frozenset(roles)) for source, target in pairs]


class Workflow:
    """The allowed status changes of one entity."""

    def __init__(self, entity: str, title, status_attr: str, transitions: list[Transition]) -> None:
        self.entity = entity
        self.title = title
        self.status_attr = status_attr
        self._by_pair = {(t.source, t.target): t for t in transitions}

    @property
    def transitions(self) -> list[Transition]:
        return list(self._by_pair.values())

    def find(self, source: str, target: str) -> Transition | None:
        return self._by_pair.get((str(source), str(target)))

    def check(self, source: str, target: str, role: str) -> Transition:
        """Return the transition from ``source`` to ``target`` if ``role`` may make it.

        Raises:
            TransitionError: the change is not in the workflow, or not for this role.
        """
        transition = self.find(source, target)
        names = {"entity": self.title, "source": STATUS_TITLES[source], "target": STATUS_TITLES[target]}
        if transition is None:
            raise TransitionError(_l("A %(entity)s cannot go from “%(source)s” to “%(target)s”.", **names))
        if role not in transition.roles:
            raise TransitionError(
                _l("You are not allowed to move a %(entity)s from “%(source)s” to “%(target)s”.", **names)
            )
        return transition

    def apply(self, obj, target: StrEnum, actor: User | None, *, reason: str | None = None):
        """Move ``obj`` to ``target`` as ``actor`` (None: the system) and audit the change.

        Returns:
            The AuditEvent written (flushed with the session, not committed).
        """
        from app.audit.services import record_event

        source = str(getattr(obj, self.status_attr))
        role = actor.role if actor is not None else SYSTEM
        transition = self.check(source, str(target), role)
        setattr(obj, self.status_attr, target)
        after = {self.status_attr: str(target)} | ({"reason": reason} if reason else {})
        return record_event(
            actor, f"{self.entity}.{transition.action}", obj, before={self.status_attr: source}, after=after
        )


APPLICANT = {Role.APPLICANT}
OFFICERS = {Role.OFFICER, Role.ADMIN}
RECRUITERS = {Role.RECRUITER}
A, M, N = ApplicationStatus, MatchStage, NeedStatus
O = OpportunityStatus  # noqa: E741 — one letter like its siblings, keeps the tables readable


def _application_workflow(entity: str, title) -> Workflow:
    return Workflow(
        entity,
        title,
        "status",
        [
            *_transitions(APPLICANT, "submit", (A.DRAFT, A.SUBMITTED)),
            *_transitions(APPLICANT, "resubmit", (A.REJECTED, A.SUBMITTED)),
            *_transitions(
                APPLICANT,
                "withdraw",
                (A.DRAFT, A.WITHDRAWN),
                (A.SUBMITTED, A.WITHDRAWN),
                (A.APPROVED, A.WITHDRAWN),
                (A.REJECTED, A.WITHDRAWN),
                (A.SUSPENDED, A.WITHDRAWN),
            ),
            *_transitions(APPLICANT, "restore", (A.WITHDRAWN, A.DRAFT)),
            *_transitions(OFFICERS, "approve", (A.SUBMITTED, A.APPROVED)),
            *_transitions(OFFICERS, "reject", (A.SUBMITTED, A.REJECTED)),
            *_transitions(OFFICERS, "suspend", (A.APPROVED, A.SUSPENDED)),
            *_transitions(OFFICERS, "reinstate", (A.SUSPENDED, A.APPROVED)),
        ],
    )


PROFILE_WORKFLOW = _application_workflow("profile", _l("professional profile"))
INSTITUTION_WORKFLOW = _application_workflow("institution", _l("institution application"))

OPPORTUNITY_WORKFLOW = Workflow(
    "opportunity",
    _l("service-trade opportunity"),
    "status",
    [
        *_transitions(APPLICANT, "publish", (O.DRAFT, O.OPEN)),
        *_transitions(APPLICANT | OFFICERS, "close", (O.OPEN, O.CLOSED)),
        *_transitions(APPLICANT, "reopen", (O.CLOSED, O.OPEN)),
        *_transitions({SYSTEM}, "expire", (O.OPEN, O.EXPIRED)),
    ],
)

NEED_WORKFLOW = Workflow(
    "need",
    _l("zone need"),
    "status",
    [
        *_transitions(RECRUITERS, "publish", (N.DRAFT, N.OPEN)),
        *_transitions(RECRUITERS | OFFICERS, "close", (N.OPEN, N.CLOSED)),
        *_transitions(RECRUITERS, "reopen", (N.CLOSED, N.OPEN)),
    ],
)

MATCH_WORKFLOW = Workflow(
    "match",
    _l("match"),
    "stage",
    [
        *_transitions(RECRUITERS, "shortlist", (M.PROPOSED, M.SHORTLISTED)),
        *_transitions(RECRUITERS, "unshortlist", (M.SHORTLISTED, M.PROPOSED)),
        *_transitions(RECRUITERS, "dismiss", (M.PROPOSED, M.DISMISSED), (M.SHORTLISTED, M.DISMISSED)),
        *_transitions(RECRUITERS, "restore", (M.DISMISSED, M.PROPOSED)),
        *_transitions(RECRUITERS, "invite", (M.SHORTLISTED, M.INVITED)),
        *_transitions(APPLICANT, "accept", (M.INVITED, M.ACCEPTED)),
        *_transitions(APPLICANT, "decline", (M.INVITED, M.DECLINED)),
        *_transitions(OFFICERS, "approve", (M.ACCEPTED, M.APPROVED)),
        *_transitions(OFFICERS, "reject", (M.ACCEPTED, M.REJECTED)),
    ],
)

WORKFLOWS = {
    wf.entity: wf
    for wf in (PROFILE_WORKFLOW, INSTITUTION_WORKFLOW, OPPORTUNITY_WORKFLOW, NEED_WORKFLOW, MATCH_WORKFLOW)
}
