"""Database rows → ``matching.Record`` values, and zone needs → queries.

Texts are composed from the free text plus the English labels of the structured fields: the
model is multilingual, and labels in one language keep the composed texts comparable.
"""

from __future__ import annotations

from flask_babel import force_locale

from app.labels import label
from app.opportunities.models import Opportunity
from app.profiles.models import Institution, ProfessionalProfile
from app.taxonomy import NeedKind
from app.workflow import ApplicationStatus, NeedStatus, OpportunityStatus
from app.zones.models import ZoneNeed
from matching.types import LEVEL_RANKS, WORKING_LEVEL, Attributes, Query, Record, Requirements

KIND_OF_MODEL = {
    ProfessionalProfile: "professional",
    Institution: "institution",
    Opportunity: "opportunity",
    ZoneNeed: "need",
}
MODEL_OF_KIND = {kind: model for model, kind in KIND_OF_MODEL.items()}
ZONE_COUNTRY = "CN"  # every zone is in China: where a recruited professional works

#: Which kinds of candidate a need of each kind looks for, first the main one.
CANDIDATE_KINDS = {
    NeedKind.TALENT: ("professional",),
    NeedKind.INSTITUTION: ("institution",),
    NeedKind.COOPERATION: ("institution", "opportunity", "professional"),
}


def is_searchable(obj) -> bool:
    """Only approved applications and open opportunities and needs are ever matched."""
    if isinstance(obj, ProfessionalProfile | Institution):
        return obj.status == ApplicationStatus.APPROVED
    if isinstance(obj, Opportunity):
        return obj.status == OpportunityStatus.OPEN
    return obj.status == NeedStatus.OPEN


def _labels(kind: str, codes) -> str:
    return ", ".join(label(kind, code) for code in codes)


def _compose(body: str, facts: dict[str, str]) -> str:
    lines = [body.strip()]
    lines += [f"{name}: {value}." for name, value in facts.items() if value]
    return "\n".join(lines)


def record_of(obj) -> Record:
    """The record the matcher indexes for a profile, institution, opportunity or need."""
    with force_locale("en"):
        return _RECORD_BUILDERS[type(obj)](obj)


def _professional(p: ProfessionalProfile) -> Record:
    body = f"{p.headline}\n{p.summary}"
    facts = {
        "Professions": _labels("profession", p.professions),
        "Services": _labels("service", p.services),
        "Technical fields": _labels("field", p.fields),
        "Qualifications": _labels("qualification", [q.type for q in p.qualifications]),
    }
    attributes = Attributes(
        languages={entry["code"]: LEVEL_RANKS[entry["level"]] for entry in p.languages},
        services=frozenset(p.services),
        fields=frozenset(p.fields),
        qualifications=frozenset(str(q.type) for q in p.qualifications),
        years_experience=p.years_experience,
        country=p.country,
        willing_to_relocate=p.willing_to_relocate,
    )
    return Record(p.id, "professional", _compose(body, facts), body, p.lang, attributes)


def _institution(i: Institution) -> Record:
    body = i.description
    facts = {
        "Institution": f"{i.legal_name} ({label('institution_type', i.type)})",
        "Services": _labels("service", i.services),
        "Intent": label("intent", i.intent),
        "Jurisdictions": ", ".join(i.jurisdictions),
    }
    attributes = Attributes(
        languages=dict.fromkeys(i.languages, WORKING_LEVEL),
        services=frozenset(i.services),
        country=i.country,
        willing_to_relocate=True,  # an institution applies in order to set up in a zone
    )
    return Record(i.id, "institution", _compose(body, facts), body, i.lang, attributes)


def _opportunity(o: Opportunity) -> Record:
    body = f"{o.title}\n{o.description}"
    facts = {
        "Direction": label("direction", o.direction),
        "Service": label("service", o.service),
        "Technical fields": _labels("field", o.fields),
        "Jurisdictions": ", ".join(o.jurisdictions),
    }
    owner = o.profile or o.institution
    attributes = Attributes(
        languages=_owner_languages(o) | {o.lang: LEVEL_RANKS["native"]},
        services=frozenset({str(o.service)}),
        fields=frozenset(o.fields),
        country=owner.country if owner else None,
    )
    return Record(o.id, "opportunity", _compose(body, facts), body, o.lang, attributes)


def _owner_languages(o: Opportunity) -> dict[str, int]:
    if o.profile is not None:
        return {entry["code"]: LEVEL_RANKS[entry["level"]] for entry in o.profile.languages}
    return dict.fromkeys(o.institution.languages, WORKING_LEVEL)


def _need(n: ZoneNeed) -> Record:
    body = f"{n.title}\n{n.description}"
    facts = {
        "Looking for": label("need_kind", n.kind),
        "Services": _labels("service", n.services),
        "Technical fields": _labels("field", n.fields),
        "Qualifications": _labels("qualification", n.required_qualifications),
    }
    attributes = Attributes(
        languages={entry["code"]: LEVEL_RANKS[entry["level"]] for entry in n.required_languages},
        services=frozenset(n.services),
        fields=frozenset(n.fields),
        qualifications=frozenset(n.required_qualifications),
        years_experience=n.min_experience,
        country=ZONE_COUNTRY,
    )
    return Record(n.id, "need", _compose(body, facts), body, n.lang, attributes)


_RECORD_BUILDERS = {
    ProfessionalProfile: _professional,
    Institution: _institution,
    Opportunity: _opportunity,
    ZoneNeed: _need,
}


def query_for_need(need: ZoneNeed, candidate_kind: str) -> Query:
    """The need as a query for one kind of candidate, with the requirements that apply to it.

    Required languages, qualifications and experience are hard for professionals; institutions and
    opportunities are held to the languages only (they have no personal qualifications).
    """
    record = record_of(need)
    attributes = record.attributes
    talent = candidate_kind == "professional"
    requirements = Requirements(
        languages=dict(attributes.languages),
        qualifications=attributes.qualifications if talent else frozenset(),
        min_experience=need.min_experience if talent else 0,
        services=attributes.services,
        fields=attributes.fields,
        location=ZONE_COUNTRY if talent else None,
    )
    return Query(text=record.text, lang=need.lang, requirements=requirements)
