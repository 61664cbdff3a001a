"""The demo programme's calls for proposals, and how its proposals and pilots go: the
staff's questions and the answers, the rejections and withdrawals, the pilots' risks and
expenses."""

CALLS = (
    (
        "Haku 1: Digitaaliset palvelut asukkaille / Digital services for residents",
        (2015, 2, 2),
        (2015, 4, 30),
        "Ideas that make city services easier to use online and on mobile, in Finnish, "
        "Swedish and English.",
    ),
    (
        "Haku 2: Oppiminen ja hyvinvointi / Learning and well-being",
        (2016, 1, 11),
        (2016, 3, 31),
        "Experiments in schools, day care, health and social services: better learning, "
        "better everyday life.",
    ),
    (
        "Haku 3: Kestävä kaupunki ja liikkuminen / Sustainable city and mobility",
        (2017, 9, 4),
        (2017, 11, 30),
        "Cleaner energy, less waste, smoother travel: try your solution in the city.",
    ),
    (
        "Haku 4: Data ja tekoäly palveluissa / Data and AI for better services",
        (2019, 1, 14),
        (2019, 3, 31),
        "Use data, sensors and artificial intelligence responsibly to improve services.",
    ),
)


QUESTIONS = (
    ("Missä kaupunginosassa kokeilu toteutettaisiin?", "Which district would host the pilot?"),
    ("Miten asiakkaiden tietosuoja varmistetaan?", "How is the customers' privacy protected?"),
    (
        "Mitä kokeilu maksaa kaupungille ja mitä kumppanit rahoittavat?",
        "What would the city pay and what do the partners fund?",
    ),
    ("Miten kokeilun onnistumista mitataan?", "How will the pilot's success be measured?"),
)
ANSWERS = (
    (
        "Kokeilu aloitetaan yhdessä kaupunginosassa ja laajennetaan tulosten mukaan.",
        "We start in one district and extend according to the results.",
    ),
    (
        "Henkilötietoja ei kerätä; kaikki mittaukset ovat anonyymejä.",
        "No personal data is collected; all measurements are anonymous.",
    ),
    (
        "Kumppanit kattavat puolet kustannuksista omalla työllään.",
        "The partners cover half of the costs with their own work.",
    ),
    (
        "Mittaamme käyttäjämäärät ja asiakastyytyväisyyden ennen ja jälkeen.",
        "We measure user numbers and customer satisfaction before and after.",
    ),
)
REJECTIONS = (
    ("Ratkaisu on jo käytössä kaupungilla.", "The city already uses a similar solution."),
    ("Kokeilu ei kohdistu kaupungin palveluun.", "The experiment does not concern a city service."),
    (
        "Kustannukset ovat suuret hyötyihin nähden.",
        "The costs are high compared with the benefits.",
    ),
    (
        "Ehdotus sopii paremmin yrityspalveluiden rahoitukseen.",
        "The proposal fits business funding better.",
    ),
    (
        "Kokeilun toteuttaminen ei ole mahdollista haun aikataulussa.",
        "The experiment cannot be carried out within the call's schedule.",
    ),
    ("Tietosuojan riskit ovat liian suuret.", "The data protection risks are too high."),
)
WITHDRAWALS = (
    (
        "Yrityksemme resurssit eivät riitä kokeiluun nyt.",
        "Our company does not have the resources for the pilot now.",
    ),
    (
        "Toteutamme idean toisen kunnan kanssa.",
        "We will carry out the idea with another municipality.",
    ),
    ("", ""),
)
RISKS = (
    (
        "Käyttäjiä ei saada mukaan tarpeeksi",
        "Too few users take part",
        "Tiedotus asukasyhdistysten ja koulujen kautta",
        "Outreach through residents' associations and schools",
    ),
    (
        "Tekninen integraatio viivästyy",
        "Technical integration is delayed",
        "Varasuunnitelma ilman integraatiota",
        "A fallback plan without integration",
    ),
    (
        "Tietosuojariski",
        "Data protection risk",
        "Tietosuojan vaikutustenarviointi ennen aloitusta",
        "A data protection impact assessment before the start",
    ),
    (
        "Kumppanin resurssit loppuvat",
        "The partner runs out of resources",
        "Vaiheistettu maksatus",
        "Payment in phases",
    ),
)
EXPENSES = (
    "Kumppanin työ / partner's work",
    "Laitteet / equipment",
    "Lisenssit / licences",
    "Viestintä / communications",
    "Koulutus / training",
)
