"""Near-duplicate proposals planted in the demo: one idea proposed twice, in another call
(another year), reworded, in the same or the other language; or an experiment carried out
proposed again later. Similar-proposal search is measured on them: each finds its twin first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Planted:
    """A proposal's texts that replace those of one generated proposal not carried out: one
    of the given call (index in CALLS) and language, with the first of `statuses` that a
    generated proposal of that call and language has, so that every figure stays the same."""

    call: int
    language: str
    statuses: tuple[str, ...]
    service_area: str
    sdgs: tuple[int, ...]
    centres: tuple[str, ...]
    title: str
    summary: str
    need: str


_EARLIER = ("rejected", "withdrawn")
_LATER = ("screening", "submitted", "rejected")

# Pairs of twins. A side given as a string is the title of an experiment carried out
# (EXPERIMENTS in carried_out.py); the other side is a proposal made later.
TWINS: tuple[tuple[Planted | str, Planted], ...] = (
    # The same idea in Finnish, two calls apart.
    (
        Planted(
            call=0,
            language="fi",
            statuses=_EARLIER,
            service_area="culture_sport",
            sdgs=(4, 9),
            centres=("tapiola",),
            title="3D-tulostuspajat kirjastoihin",
            summary="Kirjastoihin perustetaan 3D-tulostuspajat, joissa asukkaat voivat varata "
            "tulostimen omiin töihinsä ja saada kirjastonhoitajalta opastusta mallintamiseen.",
            need="Asukkailla ei ole pääsyä 3D-tulostimiin, ja mallintamisen opettelu jää "
            "harvojen harrastukseksi.",
        ),
        Planted(
            call=2,
            language="fi",
            statuses=_LATER,
            service_area="culture_sport",
            sdgs=(4,),
            centres=("leppavaara", "tapiola"),
            title="Kirjaston 3D-tulostimet asukkaiden käyttöön",
            summary="Kirjastot hankkivat 3D-tulostimia, joita asukkaat varaavat omiin "
            "projekteihinsa; kirjastonhoitajat opastavat mallintamisessa ja tulostamisessa.",
            need="3D-tulostus ja mallintaminen ovat monelle asukkaalle vieraita, koska "
            "tulostimia ei ole yleisessä käytössä.",
        ),
    ),
    # The same idea in Finnish and, years later, in English: the names and terms are shared.
    (
        Planted(
            call=1,
            language="fi",
            statuses=_EARLIER,
            service_area="environment_climate",
            sdgs=(11, 15),
            centres=("espoon_keskus",),
            title="Nuuksion retkeilyreittien kävijälaskurit LoRaWAN-verkossa",
            summary="Nuuksion retkeilyreiteille asennetaan LoRaWAN-verkkoon liitetyt "
            "kävijälaskurit, ja reittien ruuhkatilanne näytetään retkeilijöille verkossa.",
            need="Nuuksion suosituimmat reitit ruuhkautuvat viikonloppuisin, ja polkujen "
            "kuluminen huomataan vasta jälkikäteen.",
        ),
        Planted(
            call=3,
            language="en",
            statuses=_LATER,
            service_area="environment_climate",
            sdgs=(15,),
            centres=("espoon_keskus",),
            title="Visitor counters on Nuuksio hiking trails over LoRaWAN",
            summary="Visitor counters connected to a LoRaWAN network are installed on the "
            "Nuuksio hiking trails, and hikers see online how crowded each trail is.",
            need="The most popular Nuuksio trails are crowded at weekends, and worn paths "
            "are noticed only afterwards.",
        ),
    ),
    # The same idea in English, reworded three years later.
    (
        Planted(
            call=1,
            language="en",
            statuses=_EARLIER,
            service_area="administration_digital",
            sdgs=(10,),
            centres=("city_wide",),
            title="Sign language video calls to city customer service",
            summary="Deaf residents call city customer service by video and a sign language "
            "interpreter joins the call, so that no visit to a service point is needed.",
            need="Deaf residents must book an interpreter days ahead to ask the city even a "
            "simple question.",
        ),
        Planted(
            call=3,
            language="en",
            statuses=_LATER,
            service_area="administration_digital",
            sdgs=(10, 16),
            centres=("city_wide",),
            title="Remote sign language interpreting for customer service",
            summary="A sign language interpreter is connected by video to calls between "
            "deaf customers and the city's customer service, on demand.",
            need="Booking a sign language interpreter in advance makes simple questions to "
            "the city slow for deaf residents.",
        ),
    ),
    # An experiment adopted in 2015 proposed again in 2019: its lessons are there to read.
    (
        "Chatbot varhaiskasvatuksen hakemiseen",
        Planted(
            call=3,
            language="fi",
            statuses=("rejected", "withdrawn"),
            service_area="education",
            sdgs=(4,),
            centres=("city_wide",),
            title="Chatbot neuvomaan päiväkotipaikan hakemisessa",
            summary="Chatbot vastaa perheiden kysymyksiin varhaiskasvatuspaikan hakemisesta "
            "ympäri vuorokauden, myös ruotsiksi ja englanniksi.",
            need="Hakuaikoina varhaiskasvatuksen asiakaspalveluun tulee satoja samoja "
            "kysymyksiä, ja perheet jonottavat puhelimessa.",
        ),
    ),
)


def twin_titles() -> list[tuple[str, str]]:
    """Each planted pair as the titles of its two sides."""
    return [
        (first if isinstance(first, str) else first.title, second.title) for first, second in TWINS
    ]
