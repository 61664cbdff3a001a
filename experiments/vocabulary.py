"""The programme's code lists (SPEC "What is tracked") with their display labels.

Codes are stored and exchanged as they are; labels are marked for translation
here and translated where they are shown.
"""

from enum import StrEnum

from .lifecycle import N_


class ProposerType(StrEnum):
    COMPANY = "company"
    COMMUNITY = "community"
    RESEARCH = "research"
    EDUCATION = "education"
    RESIDENT = "resident"


class OrganisationType(StrEnum):
    COMPANY = "company"
    COMMUNITY = "community"
    RESEARCH = "research"
    EDUCATION = "education"
    PUBLIC = "public"


class ServiceArea(StrEnum):
    EDUCATION = "education"
    HEALTH_SOCIAL = "health_social"
    MOBILITY = "mobility"
    ENVIRONMENT_CLIMATE = "environment_climate"
    URBAN_PLANNING_CONSTRUCTION = "urban_planning_construction"
    CULTURE_SPORT = "culture_sport"
    BUSINESS_EMPLOYMENT = "business_employment"
    ADMINISTRATION_DIGITAL = "administration_digital"
    OTHER = "other"


class CityCentre(StrEnum):
    ESPOON_KESKUS = "espoon_keskus"
    ESPOONLAHTI = "espoonlahti"
    LEPPAVAARA = "leppavaara"
    MATINKYLA_OLARI = "matinkyla_olari"
    TAPIOLA = "tapiola"
    CITY_WIDE = "city_wide"


class ParticipationCategory(StrEnum):
    RESIDENTS_CUSTOMERS = "residents_customers"
    COMPANIES_COMMUNITIES = "companies_communities"
    EMPLOYEES = "employees"


class PartnerRole(StrEnum):
    LEAD = "lead"
    PARTNER = "partner"
    RESEARCH = "research"
    EDUCATION = "education"


class RiskStatus(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class Recommendation(StrEnum):
    ADOPT = "adopt"
    DISCONTINUE = "discontinue"
    EXTEND = "extend"


class MessageVisibility(StrEnum):
    """Who reads a message on a proposal: the applicant and staff, or staff only."""

    APPLICANT = "applicant"
    INTERNAL = "internal"


SDGS = range(1, 18)

_ORGANISATIONAL = {
    "company": N_("Company"),
    "community": N_("Community or association"),
    "research": N_("Research institution"),
    "education": N_("Educational institution"),
}

# One table of labels per code list: codes repeat across lists ("education").
LABELS: dict[type[StrEnum], dict[str, str]] = {
    ProposerType: {**_ORGANISATIONAL, "resident": N_("Resident")},
    OrganisationType: {**_ORGANISATIONAL, "public": N_("Public sector organisation")},
    ServiceArea: {
        "education": N_("Education and early childhood"),
        "health_social": N_("Health and social services"),
        "mobility": N_("Mobility and transport"),
        "environment_climate": N_("Environment and climate"),
        "urban_planning_construction": N_("Urban planning and construction"),
        "culture_sport": N_("Culture, sport and youth"),
        "business_employment": N_("Business and employment"),
        "administration_digital": N_("Administration and digital services"),
        "other": N_("Other"),
    },
    CityCentre: {
        "espoon_keskus": N_("Espoon keskus"),
        "espoonlahti": N_("Espoonlahti"),
        "leppavaara": N_("Leppävaara"),
        "matinkyla_olari": N_("Matinkylä–Olari"),
        "tapiola": N_("Tapiola"),
        "city_wide": N_("City-wide"),
    },
    ParticipationCategory: {
        "residents_customers": N_("Residents and customers"),
        "companies_communities": N_("Companies and communities"),
        "employees": N_("City employees"),
    },
    PartnerRole: {
        "lead": N_("Lead partner"),
        "partner": N_("Partner"),
        "research": N_("Research partner"),
        "education": N_("Education partner"),
    },
    RiskStatus: {
        "green": N_("Green: under control"),
        "yellow": N_("Yellow: needs attention"),
        "red": N_("Red: critical"),
    },
    Recommendation: {
        "adopt": N_("Adopt"),
        "discontinue": N_("Discontinue"),
        "extend": N_("Extend the pilot"),
    },
    MessageVisibility: {
        "applicant": N_("To the applicant: the applicant and city staff read it"),
        "internal": N_("Internal: city staff and managers only"),
    },
}

SDG_LABELS = {
    1: N_("No poverty"),
    2: N_("Zero hunger"),
    3: N_("Good health and well-being"),
    4: N_("Quality education"),
    5: N_("Gender equality"),
    6: N_("Clean water and sanitation"),
    7: N_("Affordable and clean energy"),
    8: N_("Decent work and economic growth"),
    9: N_("Industry, innovation and infrastructure"),
    10: N_("Reduced inequalities"),
    11: N_("Sustainable cities and communities"),
    12: N_("Responsible consumption and production"),
    13: N_("Climate action"),
    14: N_("Life below water"),
    15: N_("Life on land"),
    16: N_("Peace, justice and strong institutions"),
    17: N_("Partnerships for the goals"),
}


def label(vocabulary: type[StrEnum], code: str) -> str:
    """The untranslated label of a code; an unknown code is shown as it is."""
    return LABELS[vocabulary].get(str(code), str(code))


def choices(vocabulary: type[StrEnum]) -> list[tuple[str, str]]:
    """(code, untranslated label) pairs in the list's order, for forms."""
    return [(member.value, LABELS[vocabulary][member.value]) for member in vocabulary]
