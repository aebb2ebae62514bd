"""Operations on professional profiles and institutions."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.profiles.models import Institution, ProfessionalProfile
from app.workflow import ApplicationStatus


def get_profile_of(user) -> ProfessionalProfile | None:
    return db.session.scalar(sa.select(ProfessionalProfile).where(ProfessionalProfile.user_id == user.id))


def list_review_queue() -> list[ProfessionalProfile | Institution]:
    """Submitted applications of both kinds, oldest submission first."""
    submitted = ApplicationStatus.SUBMITTED
    profiles = db.session.scalars(
        sa.select(ProfessionalProfile).where(ProfessionalProfile.status == submitted)
    )
    institutions = db.session.scalars(sa.select(Institution).where(Institution.status == submitted))
    return sorted(
        [*profiles, *institutions], key=lambda application: (application.submitted_at, application.id)
    )
