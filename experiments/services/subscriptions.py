"""E-mail updates on one experiment: a double opt-in subscription (its link confirms it),
the milestones mailed to confirmed subscribers in their language, in the same transaction as
the change, and a one-click unsubscribe (RFC 8058) in every update."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Conflict
from ..extensions import db
from ..lifecycle import N_, Status
from ..models import (
    Experiment,
    ExperimentMilestone,
    ExperimentReport,
    ExperimentSubscription,
    Proposal,
)
from ..models.types import utcnow
from ..security import sign, unsign
from . import mail_outbox
from .inputs import Fields
from .transaction import unit_of_work

CONFIRM, UNSUBSCRIBE = "subscription-confirm", "subscription-unsubscribe"
# The states in which there is still news to follow; a decided experiment takes no one new.
FOLLOWED_STATES = frozenset({Status.PILOT, Status.EVALUATION})
# Unconfirmed subscriptions whose link has expired are erased, at most this many at a time.
PURGE_BATCH = 50


class Event(StrEnum):
    STARTED = "started"
    ENDED = "ended"
    EVALUATED = "evaluated"
    ADOPTED = "adopted"
    DISCONTINUED = "discontinued"
    REPORT = "report"
    MILESTONE = "milestone"


# Each update's subject and what it says, "%(title)s" being the experiment's title.
NEWS = {
    Event.STARTED: (N_("Pilot started: %(title)s"), N_("The pilot “%(title)s” has started.")),
    Event.ENDED: (
        N_("Pilot ended: %(title)s"),
        N_("The pilot “%(title)s” has ended, and the city now evaluates it."),
    ),
    Event.EVALUATED: (
        N_("Evaluated: %(title)s"),
        N_("The city has evaluated the experiment “%(title)s”."),
    ),
    Event.ADOPTED: (
        N_("Adopted: %(title)s"),
        N_("The city decided to adopt the experiment “%(title)s” as part of its services."),
    ),
    Event.DISCONTINUED: (
        N_("Discontinued: %(title)s"),
        N_("The city decided to discontinue the experiment “%(title)s”."),
    ),
    Event.REPORT: (
        N_("New progress report: %(title)s"),
        N_("The city accepted the pilot team's progress report on %(start)s–%(end)s."),
    ),
    Event.MILESTONE: (
        N_("Milestone reached: %(title)s"),
        N_("The experiment “%(title)s” reached a milestone: %(milestone)s."),
    ),
}
# The moves that are news to subscribers, by the state they lead to.
MOVES = {
    Status.PILOT: Event.STARTED,
    Status.EVALUATION: Event.ENDED,
    Status.ADOPTED: Event.ADOPTED,
    Status.DISCONTINUED: Event.DISCONTINUED,
}


class Outcome(StrEnum):
    READY = "ready"  # the link is good: its button would confirm (or unsubscribe)
    DONE = "done"  # it did so now
    ALREADY = "already"  # it was done before (the link used again): nothing changed
    INVALID = "invalid"  # unknown, expired, or replaced by a newer link


@dataclass(frozen=True)
class Answer:
    outcome: Outcome
    experiment_id: int | None = None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _confirm_max_age() -> timedelta:
    age: timedelta = current_app.config["EMAIL_CONFIRM_MAX_AGE"]
    return age


def _link(endpoint: str, **values: Any) -> str:
    """An absolute link where the site's address is known, else a path."""
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _followed(experiment_id: int) -> Experiment:
    """The public experiment; Conflict when it has no news to come (decided)."""
    experiment = db.session.scalar(
        select(Experiment)
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .where(Experiment.id == experiment_id)
    )
    if experiment is None or experiment.proposal.status not in FOLLOWED_STATES:
        raise Conflict(_("This experiment is decided: there will be no more updates on it."))
    return experiment


def may_subscribe(status: str) -> bool:
    """Whether an experiment in this state takes new subscribers."""
    return status in FOLLOWED_STATES


def subscribe(experiment_id: int, email: object, locale: str) -> None:
    """Ask for an experiment's updates: a confirmation link is mailed (a new one for an
    address still unconfirmed; a harmless notice to one that is confirmed), so the outcome
    looks the same for every address. Raises Invalid for a bad address, Conflict for a
    decided experiment."""
    fields = Fields()
    address = fields.email("email", email, required=True)
    fields.raise_if_any()
    assert address is not None
    if locale not in current_app.config["LANGUAGES"]:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    with unit_of_work(counted=False):
        experiment = _followed(experiment_id)
        _purge_expired()
        found = db.session.scalar(
            select(ExperimentSubscription).where(
                ExperimentSubscription.experiment_id == experiment.id,
                ExperimentSubscription.email == address,
            )
        )
        if found is not None and found.confirmed_at is not None:
            _mail_already(experiment, found, locale)
            return
        secret = secrets.token_urlsafe(24)
        if found is None:
            found = ExperimentSubscription(experiment_id=experiment.id, email=address)
            db.session.add(found)
        # A newer request replaces the older link, and starts its time again.
        found.locale = locale
        found.token_hash = _hash(secret)
        found.created_at = utcnow()
        db.session.flush()
        _mail_confirmation(experiment, found, secret)


def _purge_expired() -> None:
    """Erase subscriptions never confirmed whose link has expired: their addresses are not
    kept for nothing."""
    expired = db.session.scalars(
        select(ExperimentSubscription)
        .where(
            ExperimentSubscription.confirmed_at.is_(None),
            ExperimentSubscription.unsubscribed_at.is_(None),
            ExperimentSubscription.created_at < utcnow() - _confirm_max_age(),
        )
        .order_by(ExperimentSubscription.id)
        .limit(PURGE_BATCH)
    ).all()
    for subscription in expired:
        db.session.delete(subscription)


def _pending(token: str) -> tuple[Outcome, ExperimentSubscription | None]:
    max_age = int(_confirm_max_age().total_seconds())
    payload = unsign(CONFIRM, token, max_age)
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        return Outcome.INVALID, None
    found = db.session.get(ExperimentSubscription, payload["id"])
    if found is None or found.unsubscribed_at is not None:
        return Outcome.INVALID, None
    if found.confirmed_at is not None:
        return Outcome.ALREADY, found
    secret = payload.get("t")
    if not isinstance(secret, str) or found.token_hash != _hash(secret):
        return Outcome.INVALID, None  # a newer link was sent
    return Outcome.READY, found


def confirmation(token: str) -> Answer:
    """What a confirmation link would do, writing nothing (mail scanners open links)."""
    outcome, found = _pending(token)
    return Answer(outcome, found.experiment_id if found else None)


def confirm(token: str) -> Answer:
    """Confirm the subscription of a confirmation link: once, within its time."""
    with unit_of_work(counted=False):
        outcome, found = _pending(token)
        if outcome != Outcome.READY or found is None:
            return Answer(outcome, found.experiment_id if found else None)
        found.confirmed_at = utcnow()
        found.token_hash = None
    return Answer(Outcome.DONE, found.experiment_id)


def _subscribed(token: str) -> tuple[Outcome, ExperimentSubscription | None]:
    payload = unsign(UNSUBSCRIBE, token, None)
    found = db.session.get(ExperimentSubscription, payload) if isinstance(payload, int) else None
    if found is None:
        return Outcome.INVALID, None
    if found.unsubscribed_at is not None:
        return Outcome.ALREADY, found
    return Outcome.READY, found


def unsubscription(token: str) -> Answer:
    """What an unsubscribe link would do, writing nothing."""
    outcome, found = _subscribed(token)
    return Answer(outcome, found.experiment_id if found else None)


def unsubscribe(token: str) -> Answer:
    """End the subscription of an unsubscribe link and erase its address; the link keeps
    working (it then says it was done)."""
    with unit_of_work(counted=False):
        outcome, found = _subscribed(token)
        if outcome != Outcome.READY or found is None:
            return Answer(outcome, found.experiment_id if found else None)
        found.unsubscribed_at = utcnow()
        found.email = None
        found.token_hash = None
    return Answer(Outcome.DONE, found.experiment_id)


def _title(experiment: Experiment) -> str:
    return " ".join((experiment.proposal.title or _("Untitled proposal")).split())


def _signature() -> str:
    return _("Kokeilu – the city's experiment programme")


def _mail_confirmation(
    experiment: Experiment, subscription: ExperimentSubscription, secret: str
) -> None:
    token = sign(CONFIRM, {"id": subscription.id, "t": secret})
    link = _link("subscriptions.confirm", token=token)
    with force_locale(subscription.locale):
        title = _title(experiment)
        subject = _("Confirm your updates on “%(title)s”", title=title)
        lines = [
            _(
                "Someone (hopefully you) asked for e-mail updates on the experiment "
                "“%(title)s” in the Kokeilu service.",
                title=title,
            ),
            "",
            _(
                "Confirm within %(days)d days: open this link and press the button on the page:",
                days=_confirm_max_age().days,
            ),
            link,
            "",
            _("If it was not you, ignore this message: no updates will be sent."),
            "",
            _signature(),
        ]
    assert subscription.email is not None
    mail_outbox.queue("subscription_confirm", subscription.email, subject, "\n".join(lines))


def _mail_already(
    experiment: Experiment, subscription: ExperimentSubscription, locale: str
) -> None:
    unsubscribe_link = _link("subscriptions.unsubscribe", token=sign(UNSUBSCRIBE, subscription.id))
    with force_locale(locale):
        title = _title(experiment)
        subject = _("You already get updates on “%(title)s”", title=title)
        lines = [
            _(
                "Someone (perhaps you) asked again for e-mail updates on the experiment "
                "“%(title)s”. This address gets them already, so nothing changed.",
                title=title,
            ),
            "",
            _("To stop the updates, use this link:"),
            unsubscribe_link,
            "",
            _signature(),
        ]
    assert subscription.email is not None
    mail_outbox.queue("subscription_exists", subscription.email, subject, "\n".join(lines))


def proposal_moved(proposal: Proposal) -> None:
    """Tell the experiment's subscribers of a move that is news to them (in the move's unit
    of work)."""
    event = MOVES.get(Status(proposal.status))
    if event is not None and proposal.experiment is not None:
        experiment_news(proposal.experiment, event)


def report_accepted(experiment: Experiment, report: ExperimentReport) -> None:
    """Tell the experiment's subscribers that a progress report was accepted."""
    experiment_news(experiment, Event.REPORT, report=report)


def milestone_reached(experiment: Experiment, milestone: ExperimentMilestone) -> None:
    """Tell the experiment's subscribers that it reached a milestone."""
    experiment_news(experiment, Event.MILESTONE, milestone=milestone)


def experiment_news(
    experiment: Experiment,
    event: Event,
    report: ExperimentReport | None = None,
    milestone: ExperimentMilestone | None = None,
) -> None:
    """One mail per confirmed subscriber, in their language, stored in the caller's unit of
    work; every mail carries its own one-click unsubscribe link and headers."""
    subscribers = db.session.execute(
        select(
            ExperimentSubscription.id, ExperimentSubscription.email, ExperimentSubscription.locale
        )
        .where(
            ExperimentSubscription.experiment_id == experiment.id,
            ExperimentSubscription.confirmed_at.is_not(None),
            ExperimentSubscription.unsubscribed_at.is_(None),
            ExperimentSubscription.email.is_not(None),
        )
        .order_by(ExperimentSubscription.id)
    ).all()
    if not subscribers:
        return
    page = _link("catalogue.show", experiment_id=experiment.id)
    texts: dict[str, tuple[str, list[str], str]] = {}
    for subscription_id, email, locale in subscribers:
        assert email is not None  # the query reads only addresses that are kept
        if locale not in texts:
            texts[locale] = _news_text(experiment, event, report, milestone, page, locale)
        subject, lines, said = texts[locale]
        link = _link("subscriptions.unsubscribe", token=sign(UNSUBSCRIBE, subscription_id))
        headers = None
        if link.startswith(("https://", "http://")):
            headers = {
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        body = "\n".join([*lines, said, link, "", _signature_in(locale)])
        mail_outbox.queue("experiment_update", email, subject, body, headers=headers)


def _news_text(
    experiment: Experiment,
    event: Event,
    report: ExperimentReport | None,
    milestone: ExperimentMilestone | None,
    page: str,
    locale: str,
) -> tuple[str, list[str], str]:
    """An update's subject, its lines up to the unsubscribe link, and the line before it."""
    subject, news = NEWS[event]
    with force_locale(locale):
        title = _title(experiment)
        values = {"title": title}
        if report is not None:
            values |= {
                "start": format_date(report.period_start),
                "end": format_date(report.period_end),
            }
        if milestone is not None:
            values["milestone"] = " ".join(milestone.title.split())
        lines = [
            _(news, **values),
            "",
            _("See the experiment: %(link)s", link=page),
            "",
        ]
        return (
            _(subject, title=title),
            lines,
            _(
                "You get this message because you asked for updates on this experiment. "
                "Stop them with one click:"
            ),
        )


def _signature_in(locale: str) -> str:
    with force_locale(locale):
        return _signature()
