"""The words pages and returns use for stored codes: outcomes, contact sources, genders,
ethnicities (Annex A's codes), weekdays. Never a code on a page."""

from __future__ import annotations

# Keys as conversation records store them (app.schemas.records.Outcome), in the order a
# page lists them.
OUTCOME_NAMES: dict[str, str] = {
    "advice_and_guidance": "Advice and guidance",
    "signpost": "Signposted to universal or community services",
    "early_help": "Family help or early help",
    "social_work_assessment": "Social work assessment",
    "strategy_discussion": "Child-protection strategy discussion",
    "no_further_action": "No further action",
}

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Annex A, List 1 "Contact Source", by code.
CONTACT_SOURCES: dict[str, str] = {
    "1A": "Individual: family member, relative or carer",
    "1B": "Individual: acquaintance (neighbour, childminder)",
    "1C": "Individual: self",
    "1D": "Individual: other (stranger)",
    "2A": "School",
    "2B": "Education services",
    "3A": "Health: GP",
    "3B": "Health: health visitor",
    "3C": "Health: school nurse",
    "3D": "Health: other primary health services",
    "3E": "Health: A&E",
    "3F": "Health: other (hospice...)",
    "4": "Housing (council or housing association)",
    "5A": "Local authority: social care (adults' social care...)",
    "5B": "Local authority: other internal (youth offending...)",
    "5C": "Local authority: external (another council's services)",
    "5D": "Local authority: early help",
    "6": "Police",
    "7": "Other legal agency (courts, probation, immigration, Cafcass, prison)",
    "8": "Other (children's centres, independent providers, voluntary organisations)",
    "9": "Anonymous",
    "10": "Unknown",
}

# Annex A "Gender": the stored word and the return's lettered answer.
GENDERS: dict[str, tuple[str, str]] = {
    "male": ("a", "Male"),
    "female": ("b", "Female"),
    "not_stated": ("c", "Not stated or recorded"),
    "neither": ("d", "Neither"),
}

# The census ethnicity codes Annex A uses.
ETHNICITIES: dict[str, str] = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy or Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other Mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Caribbean",
    "BAFR": "African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}
