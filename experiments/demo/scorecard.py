"""The demo programme's scorecard: the Digital Agenda's published goals and two follow-ups.

Idempotent: goals are found by their Finnish text, follow-ups by goal and date, risks by
description. Every figure comes from statistics.programme_statistics through the
scorecard's metric registry; the caller commits.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ..extensions import db
from ..lifecycle import Role
from ..models import GoalFollowUp, Programme, ProgrammeGoal, ProgrammeRisk, RiskVersion, User
from ..models.scorecard import GoalDirection
from ..scorecard import METRIC_BY_CODE, StatisticsCache, progress
from ..services import clock
from ..vocabulary import RiskStatus

DEMO_MANAGER = "manager@kokeilu.example"

# (metric, direction, target, fi, sv, en): the programme's published figures.
GOALS = (
    (
        "proposals",
        GoalDirection.AT_LEAST,
        "150",
        "Kaupunki saa vähintään 150 kokeiluehdotusta yrityksiltä, yhteisöiltä, tutkimus- ja "
        "oppilaitoksilta sekä asukkailta.",
        "Staden får minst 150 försöksförslag av företag, sammanslutningar, forsknings- och "
        "läroanstalter samt invånare.",
        "The city receives at least 150 experiment proposals from companies, communities, "
        "research and educational institutions and residents.",
    ),
    (
        "carried_out",
        GoalDirection.AT_LEAST,
        "20",
        "Ohjelmassa toteutetaan 20 palvelukokeilua.",
        "Inom programmet genomförs 20 serviceförsök.",
        "The programme carries out 20 service experiments.",
    ),
    (
        "residents_customers",
        GoalDirection.AT_LEAST,
        "6000",
        "Kokeiluihin osallistuu yli 6 000 asukasta ja asiakasta.",
        "Över 6 000 invånare och kunder deltar i försöken.",
        "More than 6,000 residents and customers take part in the experiments.",
    ),
    (
        "partner_organisations",
        GoalDirection.AT_LEAST,
        "70",
        "Kokeiluissa on kumppaneina yli 70 yritystä ja yhteisöä.",
        "Över 70 företag och sammanslutningar är partner i försöken.",
        "More than 70 companies and communities are partners in the experiments.",
    ),
    (
        "employees",
        GoalDirection.AT_LEAST,
        "400",
        "Noin 400 kaupungin työntekijää osallistuu kokeiluihin.",
        "Omkring 400 av stadens anställda deltar i försöken.",
        "About 400 city employees take part in the experiments.",
    ),
    (
        "budget_largest_year_share",
        GoalDirection.AT_MOST,
        "100",
        "Kokeilut rahoitetaan 250 000 euron vuosibudjetilla: minkään vuoden budjettia ei ylitetä.",
        "Försöken finansieras med årsbudgeten på 250 000 euro: ingen årsbudget överskrids.",
        "Experiments are funded from the annual budget of EUR 250,000: no year's budget is "
        "exceeded.",
    ),
)

# A mid-term review and the final review.
FOLLOW_UPS = (date(2017, 12, 31), date(2021, 7, 31))

COMMENTS = {
    RiskStatus.GREEN: "Tavoite on saavutettu tai saavutetaan nykyvauhdilla.",
    RiskStatus.YELLOW: "Tavoitteesta ollaan hieman jäljessä; seurataan tarkemmin.",
    RiskStatus.RED: "Tavoite ei toteudu nykyvauhdilla; tarvitaan toimenpiteitä.",
}

# (description, probability, impact, mitigation, owner, status)
RISKS = (
    (
        "Kokeilujen tulokset jäävät irrallisiksi eivätkä siirry pysyviksi palveluiksi.",
        3,
        4,
        "Jokaiselle kokeilulle nimetään palvelualueen omistaja ennen aloitusta; "
        "käyttöönotosta päätetään arvioinnin yhteydessä.",
        "Ohjelmapäällikkö",
        RiskStatus.YELLOW,
    ),
    (
        "Tietosuoja- ja tietoturvavaatimukset viivästyttävät kokeilujen käynnistymistä.",
        3,
        3,
        "Valmis tietosuojan vaikutustenarvioinnin pohja ja nopea tietoturvakatselmointi.",
        "Tietosuojavastaava",
        RiskStatus.YELLOW,
    ),
    (
        "Joiltakin palvelualueilta ja suuralueilta tulee vähän ehdotuksia.",
        2,
        2,
        "Teemoitetut haut ja tiedotus asukasfoorumeissa.",
        "Viestintä",
        RiskStatus.GREEN,
    ),
)


def _author() -> User | None:
    return db.session.scalar(select(User).where(User.email == DEMO_MANAGER)) or db.session.scalar(
        select(User).where(User.role == Role.MANAGER).order_by(User.id).limit(1)
    )


def value_through(goal: ProgrammeGoal, until: date, cache: StatisticsCache) -> Decimal | None:
    """The goal's figure for the proposals submitted up to the date's year; None if unknown."""
    # The last programme year takes the whole programme's figure; earlier ones combine
    # single years as the metric says, or give None when its figures do not add up.
    metric = METRIC_BY_CODE[goal.metric]
    if until.year >= goal.programme.end_year:
        return metric.value(cache.for_year(None))
    if metric.across_years is None:
        return None
    values = [
        metric.value(cache.for_year(year))
        for year in range(goal.programme.start_year, until.year + 1)
    ]
    values = [v for v in values if v is not None]
    return metric.across_years(values) if values else None


def _status(goal: ProgrammeGoal, value: Decimal, on: date) -> RiskStatus:
    """The traffic light a manager would give: progress against the time elapsed."""
    percent = progress(value, goal.target, goal.direction)
    if goal.direction == GoalDirection.AT_MOST:
        return RiskStatus.GREEN if percent >= 100 else RiskStatus.RED
    elapsed = min(
        1, max(0, (on - goal.period_start).days / ((goal.period_end - goal.period_start).days or 1))
    )
    expected = max(1, round(100 * elapsed))
    if percent >= expected:
        return RiskStatus.GREEN
    return RiskStatus.YELLOW if percent >= 0.75 * expected else RiskStatus.RED


def ensure_scorecard(programme: Programme | None) -> None:
    """Give the programme its goals, follow-ups and risks unless it has them already."""
    if programme is None:
        return
    db.session.flush()
    author = _author()
    start, end = date(programme.start_year, 1, 1), date(programme.end_year, 12, 31)
    existing = {
        g.text_fi: g
        for g in db.session.scalars(
            select(ProgrammeGoal).where(ProgrammeGoal.programme_id == programme.id)
        )
    }
    cache = StatisticsCache(programme.id)
    for position, (metric, direction, target, fi, sv, en) in enumerate(GOALS, 1):
        goal = existing.get(fi)
        if goal is None:
            goal = ProgrammeGoal(
                programme=programme,
                position=position,
                text_fi=fi,
                text_sv=sv,
                text_en=en,
                metric=metric,
                direction=direction,
                target=Decimal(target),
                unit="",
                period_start=start,
                period_end=end,
            )
            db.session.add(goal)
        if author is not None:
            _follow_ups(programme, goal, author, cache)
    _risks(programme)
    db.session.flush()


def _follow_ups(
    programme: Programme, goal: ProgrammeGoal, author: User, cache: StatisticsCache
) -> None:
    """The goal's follow-ups on the dates passed that it lacks and that can be measured."""
    start, end = date(programme.start_year, 1, 1), date(programme.end_year, 12, 31)
    dated = {f.date for f in goal.follow_ups}
    for on in FOLLOW_UPS:
        if on in dated or not start <= on <= end or on > clock.today():
            continue
        value = value_through(goal, on, cache)
        if value is None:
            continue  # not measurable for that date; the goal skips this follow-up
        status = _status(goal, value, on)
        comment = COMMENTS[status]
        if on.year < programme.end_year:
            comment += (
                f" Luvut kattavat vuosina {programme.start_year}–{on.year} jätetyt "
                "ehdotukset ja niistä syntyneet kokeilut."
            )
        goal.follow_ups.append(
            GoalFollowUp(
                date=on,
                metric=goal.metric,
                value=value,
                target=goal.target,
                comment=comment,
                status=status,
                author=author,
                language="fi",
            )
        )


def _risks(programme: Programme) -> None:
    """The programme's risks that it lacks, found by their description."""
    described = set(
        db.session.scalars(
            select(ProgrammeRisk.description).where(ProgrammeRisk.programme_id == programme.id)
        )
    )
    for description, probability, impact, mitigation, owner, status in RISKS:
        if description not in described:
            db.session.add(
                ProgrammeRisk(
                    programme=programme,
                    description=description,
                    probability=probability,
                    impact=impact,
                    mitigation=mitigation,
                    owner=owner,
                    status=status,
                    language="fi",
                    assessments=[
                        RiskVersion(
                            probability=probability,
                            impact=impact,
                            mitigation=mitigation,
                            status=status,
                            language="fi",
                        )
                    ],
                )
            )
