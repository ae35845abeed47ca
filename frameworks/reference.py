"""The reference lists as DOMAIN.md defines them; data migrations seed the database from here."""

PHASES = [
    "Preventie",
    "Signalering",
    "Directe veiligheid / veiligheidsplan",
    "Risicogestuurde zorg / hulpverleningsplan",
    "Herstelgerichte zorg",
    "Nazorg",
]

FRAMEWORKS = [
    {
        "slug": "hgkm",
        "name": "Huiselijk geweld en kindermishandeling",
        "description": (
            "Analysekader huiselijk geweld en kindermishandeling (HGKM); "
            "de geweldsvormen volgen de Prevalentiemonitor van het CBS."
        ),
        "violence_types": [
            "Kindermishandeling",
            "Geweld tegen ouders door hun kinderen",
            "(Ex-)partnergeweld",
            "Ouderenmishandeling",
            "Overig huiselijk geweld",
            "Overlap partnergeweld en kindermishandeling",
        ],
    },
    {
        "slug": "seksueel-geweld",
        "name": "Seksueel geweld",
        "description": "Analysekader seksueel geweld.",
        "violence_types": [
            "Hands-on geweld tegen volwassenen",
            "Hands-on geweld tegen kinderen",
            "Hands-off geweld tegen kinderen",
            "Hands-off geweld tegen volwassenen",
            "Groepsgeweld",
            "Seksuele uitbuiting en mensenhandel",
            "Overig seksueel geweld",
        ],
    },
]
