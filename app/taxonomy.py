"""Code-level taxonomies of the IP service domain, each with translatable titles.

Codes are stored in the database and passed to the matching engine; titles are looked up here, in
the reader's locale, only when something is shown. Countries, languages and currencies are not
enumerated here: they are ISO codes named through Babel's CLDR data (see ``app.locale``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Service(StrEnum):
    """The full chain of IP services the zones must offer."""

    AGENCY = "agency"
    TRANSFER_LICENSING = "transfer_licensing"
    REGISTRATION = "registration"
    APPRAISAL_VALUATION = "appraisal_valuation"
    EVALUATION_ANALYSIS = "evaluation_analysis"
    CERTIFICATION = "certification"
    CONSULTATION = "consultation"
    LITIGATION_SUPPORT = "litigation_support"
    IP_FINANCE = "ip_finance"
    SEARCH_INFORMATION = "search_information"


SERVICE_TITLES = {
    Service.AGENCY: _l("Patent and trademark agency"),
    Service.TRANSFER_LICENSING: _l("Transfer and licensing"),
    Service.REGISTRATION: _l("Registration"),
    Service.APPRAISAL_VALUATION: _l("Appraisal and valuation"),
    Service.EVALUATION_ANALYSIS: _l("Evaluation and analysis"),
    Service.CERTIFICATION: _l("Certification"),
    Service.CONSULTATION: _l("Consultation"),
    Service.LITIGATION_SUPPORT: _l("Litigation support"),
    Service.IP_FINANCE: _l("IP finance"),
    Service.SEARCH_INFORMATION: _l("Search and information"),
}


class Profession(StrEnum):
    PATENT_ATTORNEY = "patent_attorney"
    TRADEMARK_ATTORNEY = "trademark_attorney"
    IP_LAWYER = "ip_lawyer"
    PATENT_ENGINEER = "patent_engineer"
    IP_APPRAISER = "ip_appraiser"
    LICENSING_SPECIALIST = "licensing_specialist"
    TECH_TRANSFER_MANAGER = "tech_transfer_manager"
    IP_ANALYST = "ip_analyst"
    IP_CONSULTANT = "ip_consultant"
    CORPORATE_IP_MANAGER = "corporate_ip_manager"
    IP_FINANCE_SPECIALIST = "ip_finance_specialist"
    PATENT_TRANSLATOR = "patent_translator"


PROFESSION_TITLES = {
    Profession.PATENT_ATTORNEY: _l("Patent attorney"),
    Profession.TRADEMARK_ATTORNEY: _l("Trademark attorney"),
    Profession.IP_LAWYER: _l("IP lawyer"),
    Profession.PATENT_ENGINEER: _l("Patent engineer"),
    Profession.IP_APPRAISER: _l("IP appraiser"),
    Profession.LICENSING_SPECIALIST: _l("Licensing specialist"),
    Profession.TECH_TRANSFER_MANAGER: _l("Technology transfer manager"),
    Profession.IP_ANALYST: _l("IP analyst"),
    Profession.IP_CONSULTANT: _l("IP consultant"),
    Profession.CORPORATE_IP_MANAGER: _l("Corporate IP manager"),
    Profession.IP_FINANCE_SPECIALIST: _l("IP finance specialist"),
    Profession.PATENT_TRANSLATOR: _l("Patent translator"),
}


class TechField(StrEnum):
    """The zones' industries; ``IPC_SECTIONS`` maps each to the IPC sections it files under."""

    ADVANCED_MANUFACTURING = "advanced_manufacturing"
    MODERN_AGRICULTURE = "modern_agriculture"
    BIOMEDICINE = "biomedicine"
    MEDICAL_DEVICES = "medical_devices"
    ICT = "ict"
    ARTIFICIAL_INTELLIGENCE = "artificial_intelligence"
    SEMICONDUCTORS = "semiconductors"
    NEW_MATERIALS = "new_materials"
    NEW_ENERGY = "new_energy"
    NEW_ENERGY_VEHICLES = "new_energy_vehicles"
    AEROSPACE = "aerospace"
    CHEMICALS = "chemicals"
    TEXTILES_CONSUMER_GOODS = "textiles_consumer_goods"
    GREEN_CONSTRUCTION = "green_construction"


TECH_FIELD_TITLES = {
    TechField.ADVANCED_MANUFACTURING: _l("Advanced manufacturing"),
    TechField.MODERN_AGRICULTURE: _l("Modern agriculture"),
    TechField.BIOMEDICINE: _l("Biomedicine"),
    TechField.MEDICAL_DEVICES: _l("Medical devices"),
    TechField.ICT: _l("Information and communication technology"),
    TechField.ARTIFICIAL_INTELLIGENCE: _l("Artificial intelligence"),
    TechField.SEMICONDUCTORS: _l("Semiconductors and integrated circuits"),
    TechField.NEW_MATERIALS: _l("New materials"),
    TechField.NEW_ENERGY: _l("New energy"),
    TechField.NEW_ENERGY_VEHICLES: _l("New energy vehicles"),
    TechField.AEROSPACE: _l("Aerospace"),
    TechField.CHEMICALS: _l("Chemicals"),
    TechField.TEXTILES_CONSUMER_GOODS: _l("Textiles and consumer goods"),
    TechField.GREEN_CONSTRUCTION: _l("Green construction"),
}

# IPC sections: A human necessities, B operations/transport, C chemistry/metallurgy, D textiles/paper,
# E fixed constructions, F mechanical engineering, G physics, H electricity.
IPC_SECTIONS: dict[TechField, tuple[str, ...]] = {
    TechField.ADVANCED_MANUFACTURING: ("B", "F"),
    TechField.MODERN_AGRICULTURE: ("A", "C"),
    TechField.BIOMEDICINE: ("A", "C"),
    TechField.MEDICAL_DEVICES: ("A",),
    TechField.ICT: ("G", "H"),
    TechField.ARTIFICIAL_INTELLIGENCE: ("G",),
    TechField.SEMICONDUCTORS: ("H",),
    TechField.NEW_MATERIALS: ("C", "B"),
    TechField.NEW_ENERGY: ("H", "F"),
    TechField.NEW_ENERGY_VEHICLES: ("B", "H"),
    TechField.AEROSPACE: ("B", "G"),
    TechField.CHEMICALS: ("C",),
    TechField.TEXTILES_CONSUMER_GOODS: ("D", "A"),
    TechField.GREEN_CONSTRUCTION: ("E",),
}


@dataclass(frozen=True)
class QualificationKind:
    """What a qualification type certifies, where, and how its numbers look."""

    title: str
    jurisdiction: str  # ISO 3166 country code, "EU"/"EP" for European bodies, "XX" for international
    number_pattern: str
    number_example: str

    def number_is_valid(self, number: str) -> bool:
        return re.fullmatch(self.number_pattern, number.strip()) is not None


class QualificationType(StrEnum):
    CN_PATENT_ATTORNEY = "cn_patent_attorney"
    CN_LAWYER = "cn_lawyer"
    CN_ASSET_APPRAISER = "cn_asset_appraiser"
    USPTO_REGISTRATION = "uspto_registration"
    US_ATTORNEY = "us_attorney"
    EUROPEAN_PATENT_ATTORNEY = "european_patent_attorney"
    EUIPO_REPRESENTATIVE = "euipo_representative"
    DE_PATENTANWALT = "de_patentanwalt"
    FR_CPI = "fr_cpi"
    GB_CHARTERED_PATENT_ATTORNEY = "gb_chartered_patent_attorney"
    JP_BENRISHI = "jp_benrishi"
    KR_PATENT_ATTORNEY = "kr_patent_attorney"
    RU_PATENT_ATTORNEY = "ru_patent_attorney"
    CERTIFIED_LICENSING_PROFESSIONAL = "certified_licensing_professional"


QUALIFICATIONS: dict[QualificationType, QualificationKind] = {
    QualificationType.CN_PATENT_ATTORNEY: QualificationKind(
        _l("Patent attorney qualification certificate (CNIPA)"), "CN", r"\d{10}", "3201920123"
    ),
    QualificationType.CN_LAWYER: QualificationKind(
        _l("Lawyer's practice certificate (PRC)"), "CN", r"\d{17}", "11101201910234567"
    ),
    QualificationType.CN_ASSET_APPRAISER: QualificationKind(
        _l("Certified asset appraiser (CAS)"), "CN", r"\d{8}", "11190123"
    ),
    QualificationType.USPTO_REGISTRATION: QualificationKind(
        _l("USPTO registered patent practitioner"), "US", r"\d{5,6}", "71234"
    ),
    QualificationType.US_ATTORNEY: QualificationKind(
        _l("US attorney at law (state bar)"), "US", r"[A-Z]{2}-\d{4,8}", "CA-289345"
    ),
    QualificationType.EUROPEAN_PATENT_ATTORNEY: QualificationKind(
        _l("European Patent Attorney (EPO list)"), "EP", r"\d{5,6}", "58213"
    ),
    QualificationType.EUIPO_REPRESENTATIVE: QualificationKind(
        _l("Professional representative before the EUIPO"), "EU", r"\d{5,6}", "104522"
    ),
    QualificationType.DE_PATENTANWALT: QualificationKind(
        _l("German patent attorney (Patentanwalt)"), "DE", r"PA-?\d{4,5}", "PA-3187"
    ),
    QualificationType.FR_CPI: QualificationKind(
        _l("French industrial property attorney (CPI)"), "FR", r"\d{2}-\d{4}", "05-1123"
    ),
    QualificationType.GB_CHARTERED_PATENT_ATTORNEY: QualificationKind(
        _l("UK chartered patent attorney (CIPA)"), "GB", r"P\d{5}", "P12345"
    ),
    QualificationType.JP_BENRISHI: QualificationKind(
        _l("Japanese patent attorney (Benrishi)"), "JP", r"\d{5}", "18234"
    ),
    QualificationType.KR_PATENT_ATTORNEY: QualificationKind(
        _l("Korean patent attorney (Byeonrisa)"), "KR", r"\d{4,5}", "7321"
    ),
    QualificationType.RU_PATENT_ATTORNEY: QualificationKind(
        _l("Russian patent attorney (Rospatent)"), "RU", r"\d{3,4}", "1342"
    ),
    QualificationType.CERTIFIED_LICENSING_PROFESSIONAL: QualificationKind(
        _l("Certified Licensing Professional (CLP)"), "XX", r"CLP-\d{4,6}", "CLP-20417"
    ),
}


class InstitutionType(StrEnum):
    LAW_FIRM = "law_firm"
    PATENT_AGENCY = "patent_agency"
    TRADEMARK_AGENCY = "trademark_agency"
    IP_CONSULTANCY = "ip_consultancy"
    VALUATION_FIRM = "valuation_firm"
    TECH_TRANSFER_OFFICE = "tech_transfer_office"
    IP_FUND = "ip_fund"
    SEARCH_PROVIDER = "search_provider"
    RESEARCH_INSTITUTE = "research_institute"
    INDUSTRY_ASSOCIATION = "industry_association"


INSTITUTION_TYPE_TITLES = {
    InstitutionType.LAW_FIRM: _l("Law firm"),
    InstitutionType.PATENT_AGENCY: _l("Patent agency"),
    InstitutionType.TRADEMARK_AGENCY: _l("Trademark agency"),
    InstitutionType.IP_CONSULTANCY: _l("IP consultancy"),
    InstitutionType.VALUATION_FIRM: _l("IP valuation firm"),
    InstitutionType.TECH_TRANSFER_OFFICE: _l("Technology transfer office"),
    InstitutionType.IP_FUND: _l("IP operations fund"),
    InstitutionType.SEARCH_PROVIDER: _l("Patent search and information provider"),
    InstitutionType.RESEARCH_INSTITUTE: _l("Research institute"),
    InstitutionType.INDUSTRY_ASSOCIATION: _l("Industry association"),
}


class InstitutionSize(StrEnum):
    MICRO = "1-9"
    SMALL = "10-49"
    MEDIUM = "50-249"
    LARGE = "250+"


class Intent(StrEnum):
    """What a foreign institution wants to set up in a zone."""

    BRANCH = "branch"
    REPRESENTATIVE_OFFICE = "representative_office"
    JOINT_VENTURE = "joint_venture"
    PROJECT_PARTNERSHIP = "project_partnership"


INTENT_TITLES = {
    Intent.BRANCH: _l("Branch"),
    Intent.REPRESENTATIVE_OFFICE: _l("Representative office"),
    Intent.JOINT_VENTURE: _l("Joint venture"),
    Intent.PROJECT_PARTNERSHIP: _l("Project partnership"),
}


class EngagementType(StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    CONSULTING = "consulting"
    PROJECT = "project"
    SECONDMENT = "secondment"
    REMOTE = "remote"


ENGAGEMENT_TITLES = {
    EngagementType.FULL_TIME: _l("Full-time employment"),
    EngagementType.PART_TIME: _l("Part-time"),
    EngagementType.CONSULTING: _l("Consulting"),
    EngagementType.PROJECT: _l("Project-based"),
    EngagementType.SECONDMENT: _l("Secondment"),
    EngagementType.REMOTE: _l("Remote"),
}


class Availability(StrEnum):
    IMMEDIATELY = "immediately"
    WITHIN_3_MONTHS = "within_3_months"
    WITHIN_6_MONTHS = "within_6_months"
    LATER = "later"


AVAILABILITY_TITLES = {
    Availability.IMMEDIATELY: _l("Immediately"),
    Availability.WITHIN_3_MONTHS: _l("Within 3 months"),
    Availability.WITHIN_6_MONTHS: _l("Within 6 months"),
    Availability.LATER: _l("Later"),
}


class LanguageLevel(StrEnum):
    """CEFR levels plus native; ordered so a level can be compared with a required one."""

    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"
    NATIVE = "native"

    @property
    def rank(self) -> int:
        return list(LanguageLevel).index(self)


LANGUAGE_LEVEL_TITLES = {level: level.value for level in LanguageLevel} | {
    LanguageLevel.NATIVE: _l("Native"),
}


class NeedKind(StrEnum):
    TALENT = "talent"
    INSTITUTION = "institution"
    COOPERATION = "cooperation"


NEED_KIND_TITLES = {
    NeedKind.TALENT: _l("Talent"),
    NeedKind.INSTITUTION: _l("Institution"),
    NeedKind.COOPERATION: _l("Cooperation"),
}


class Direction(StrEnum):
    """Whether a service-trade opportunity offers a service or asks for one."""

    OFFER = "offer"
    REQUEST = "request"


DIRECTION_TITLES = {Direction.OFFER: _l("Offer"), Direction.REQUEST: _l("Request")}


class ZoneLevel(StrEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"


ZONE_LEVEL_TITLES = {
    ZoneLevel.NATIONAL: _l("National demonstration zone"),
    ZoneLevel.PROVINCIAL: _l("Provincial pilot zone"),
}
