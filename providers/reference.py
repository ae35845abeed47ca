"""The maintained lists that describe an offer, as seeded at installation (DOMAIN.md)."""

TARGET_GROUPS = ["Plegers", "Slachtoffers", "Systeem / omstanders"]
AGE_GROUPS = [
    "Jonge kinderen",
    "Minderjarigen",
    "Jongvolwassenen (18-23)",
    "Volwassenen",
    "Ouderen",
]
LEGAL_FRAMEWORKS = [
    "Vrijwillig",
    "Verplicht: strafrechtelijk",
    "Verplicht: bestuursrechtelijk",
    "Verplicht: civielrechtelijk",
]
METHODS = [
    "TOP-3",
    "Multi Systeem Therapie (MST)",
    "Risk-Need-Responsivity (RNR)",
    "Oranje Huis",
    "MDA++",
]
FUNDINGS = ["Wmo", "Jeugdwet", "Zvw", "Wlz", "Justitie", "Gemeentelijke subsidie"]
TREATMENT_FACTORS = [
    ("A", "Traumasensitief"),
    ("B", "Genderdiversiteit"),
    ("C", "LHBTIQA+"),
    ("D", "Culturele diversiteit"),
    ("E", "Licht verstandelijke beperking (LVB)"),
    ("F", "Juiste houding"),
    ("G", "Snel en laagdrempelig toegankelijk"),
    ("H", "Zo lang als nodig"),
]
MUNICIPALITIES = ["Aalsmeer", "Amstelveen", "Amsterdam", "Diemen", "Ouder-Amstel", "Uithoorn"]
