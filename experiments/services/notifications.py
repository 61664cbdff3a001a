"""E-mail about proposals and pilot reports, each in its recipient's own language: to
applicants about their proposals, to the staff working on a proposal when its applicant
writes, and to pilot teams and owners about reports."""

from collections.abc import Callable
from datetime import date

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..extensions import db
from ..i18n import role_label, status_label
from ..lifecycle import STAFF_ROLES, Role, Status
from ..models import (
    Experiment,
    ExperimentReport,
    Proposal,
    ProposalMessage,
    ReportStatus,
    Review,
    StatusChange,
    User,
)
from . import mail_outbox


def proposal_moved(proposal: Proposal, source: Status, reason: str | None) -> None:
    """Tell the applicant their proposal moved: the mail is stored in the move's own unit
    of work and sent after it (a mail server outage neither undoes nor loses anything)."""
    owner = proposal.owner
    with force_locale(owner.locale or "fi"):
        title = proposal.title or _("Untitled proposal")
        subject = _(
            "Your proposal “%(title)s”: %(state)s",
            title=" ".join(title.split()),  # one line; the outbox mends any other subject
            state=status_label(proposal.status),
        )
        lines = [
            _("Hello %(name)s,", name=owner.name),
            "",
            _(
                "Your proposal “%(title)s” moved from “%(from)s” to “%(to)s”.",
                title=title,
                **{"from": status_label(source), "to": status_label(proposal.status)},
            ),
        ]
        if proposal.status == Status.MORE_INFO and reason:
            # The question itself, and a link straight to the answer box under it.
            lines += [
                "",
                _("The city asks you:"),
                "",
                reason,
                "",
                _(
                    "Answer the question on the proposal's page: %(link)s",
                    link=_proposal_link(proposal, "question"),
                ),
            ]
        else:
            if reason:
                lines += ["", reason]
            lines += ["", _("See the proposal: %(link)s", link=_proposal_link(proposal))]
        lines += ["", _("Kokeilu – the city's experiment programme")]
    mail_outbox.queue("proposal_moved", owner.email, subject, "\n".join(lines), user=owner)


def _proposal_link(proposal: Proposal, anchor: str | None = None) -> str:
    if has_request_context():
        return url_for("proposals.show", proposal_id=proposal.id, _anchor=anchor, _external=True)
    return f"/proposals/{proposal.id}" + (f"#{anchor}" if anchor else "")


def message_to_applicant(proposal: Proposal, author: User, message: ProposalMessage) -> None:
    """Tell the applicant that the city wrote to them, with the text and a link to the thread
    (never called for an internal message)."""
    owner = proposal.owner
    if owner.deleted_at is not None or not owner.active:
        return
    with force_locale(owner.locale or "fi"):
        title = _title(proposal)
        subject = _("A message about your proposal “%(title)s”", title=" ".join(title.split()))
        lines = [
            _("Hello %(name)s,", name=owner.name),
            "",
            _(
                "%(who)s wrote to you about your proposal “%(title)s”:",
                who=role_label(author.role),
                title=title,
            ),
            "",
            message.text,
            "",
            _(
                "Read and answer it on the proposal's page: %(link)s",
                link=_proposal_link(proposal, f"message-{message.id}"),
            ),
            "",
            _("Kokeilu – the city's experiment programme"),
        ]
    mail_outbox.queue("proposal_message", owner.email, subject, "\n".join(lines), user=owner)


def message_to_reviewers(proposal: Proposal, author: User, message: ProposalMessage) -> None:
    """Tell the staff working on the proposal that its applicant wrote, each in their language."""
    for reader in proposal_reviewers(proposal, author):
        with force_locale(reader.locale or "fi"):
            title = _title(proposal)
            subject = _(
                "The applicant wrote about the proposal “%(title)s”",
                title=" ".join(title.split()),
            )
            lines = [
                _("Hello %(name)s,", name=reader.name),
                "",
                _(
                    "%(who)s, the applicant, wrote about the proposal “%(title)s”:",
                    who=author.display_name,
                    title=title,
                ),
                "",
                message.text,
                "",
                _(
                    "Read it on the proposal's page: %(link)s",
                    link=_proposal_link(proposal, f"message-{message.id}"),
                ),
                "",
                _("Kokeilu – the city's experiment programme"),
            ]
        mail_outbox.queue("proposal_message", reader.email, subject, "\n".join(lines), user=reader)


def proposal_reviewers(proposal: Proposal, author: User) -> list[User]:
    """Whom an applicant's message concerns: the staff who reviewed the proposal or wrote in
    its thread; else those who moved it (screened it, asked the question); else all staff."""
    working = select(User).where(
        User.role.in_(STAFF_ROLES),
        User.active,
        User.deleted_at.is_(None),
        User.id != author.id,
    )
    tiers = (
        or_(
            User.id.in_(select(Review.reviewer_id).where(Review.proposal_id == proposal.id)),
            User.id.in_(
                select(ProposalMessage.author_id).where(ProposalMessage.proposal_id == proposal.id)
            ),
        ),
        User.id.in_(select(StatusChange.actor_id).where(StatusChange.proposal_id == proposal.id)),
        User.role == Role.STAFF,
    )
    for tier in tiers:
        found = list(db.session.scalars(working.where(tier).order_by(User.id)))
        if found:
            return found
    return []


def _title(proposal: Proposal) -> str:
    return proposal.title or _("Untitled proposal")


def _pilot_link(experiment: Experiment, anchor: str | None = None) -> str:
    """The experiment's page: absolute where the site's address is known, else a path."""
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for("pilots.show", experiment_id=experiment.id, _anchor=anchor, _external=True)
    path = current_app.url_map.bind("localhost").build(
        "pilots.show", {"experiment_id": experiment.id}
    )
    return f"{path}#{anchor}" if anchor else path


def _pilot_title(experiment: Experiment) -> str:
    return " ".join((experiment.proposal.title or _("Untitled proposal")).split())


def _send(kind: str, recipient: User, subject: str, lines: list[str]) -> None:
    if recipient.deleted_at is not None or not recipient.active:
        return  # an erased or switched-off account gets no mail (nor would it arrive)
    lines += ["", _("Kokeilu – the city's experiment programme")]
    mail_outbox.queue(kind, recipient.email, subject, "\n".join(lines), user=recipient)


def _pilot_mail(
    kind: str,
    recipient: User,
    experiment: Experiment,
    write: Callable[[str, str], tuple[str, list[str]]],
    anchor: str | None = "reports",
) -> None:
    """One mail about a pilot, in the recipient's language: `write(title, link)` gives the
    subject and the body between the greeting and the signature."""
    with force_locale(recipient.locale or "fi"):
        subject, body = write(_pilot_title(experiment), _pilot_link(experiment, anchor))
        _send(kind, recipient, subject, [_("Hello %(name)s,", name=recipient.name), "", *body])


def report_submitted(experiment: Experiment, report: ExperimentReport) -> None:
    """Tell the pilot's owner at the city that a report waits for review."""
    _pilot_mail(
        "report_submitted",
        experiment.owner,
        experiment,
        lambda title, link: (
            _("A report on “%(title)s” waits for review", title=title),
            [
                _(
                    "The team of “%(title)s” sent a report on %(start)s–%(end)s.",
                    title=title,
                    start=format_date(report.period_start),
                    end=format_date(report.period_end),
                ),
                "",
                _("Accept or return it: %(link)s", link=link),
            ],
        ),
    )


def report_reviewed(experiment: Experiment, report: ExperimentReport) -> None:
    """Tell the team that their report was accepted or returned (with the comment)."""

    def write(title: str, link: str) -> tuple[str, list[str]]:
        period = {"start": format_date(report.period_start), "end": format_date(report.period_end)}
        if report.status == ReportStatus.ACCEPTED:
            subject = _("Your report on “%(title)s” was accepted", title=title)
            said = _("The city accepted your report on %(start)s–%(end)s.", **period)
        else:
            subject = _("Your report on “%(title)s” was returned", title=title)
            said = _(
                "The city returned your report on %(start)s–%(end)s: correct it and send it again.",
                **period,
            )
        comment = ["", report.review_comment] if report.review_comment else []
        return subject, [said, *comment, "", _("See the report: %(link)s", link=link)]

    _pilot_mail(f"report_{report.status.value}", experiment.proposal.owner, experiment, write)


def report_reminder(experiment: Experiment, due: date, *, overdue: bool) -> None:
    """Remind the team of a report due soon, or overdue."""

    def write(title: str, link: str) -> tuple[str, list[str]]:
        when = format_date(due)
        if overdue:
            subject = _("Your report on “%(title)s” is overdue", title=title)
            said = _("Your report on “%(title)s” was due on %(date)s.", title=title, date=when)
        else:
            subject = _("Your report on “%(title)s” is due on %(date)s", title=title, date=when)
            said = _("Your report on “%(title)s” is due on %(date)s.", title=title, date=when)
        return subject, [said, "", _("File it on the pilot's page: %(link)s", link=link)]

    _pilot_mail("report_reminder", experiment.proposal.owner, experiment, write)


def report_overdue_to_owner(experiment: Experiment, due: date) -> None:
    """Tell the pilot's owner at the city that the team's report is overdue."""
    _pilot_mail(
        "report_overdue",
        experiment.owner,
        experiment,
        lambda title, link: (
            _("The report on “%(title)s” is overdue", title=title),
            [
                _(
                    "The team of “%(title)s” has not sent its report due on %(date)s.",
                    title=title,
                    date=format_date(due),
                ),
                "",
                _("See the pilot: %(link)s", link=link),
            ],
        ),
    )


def team_invited(experiment: Experiment, member: User, inviter: User) -> None:
    """Tell a co-worker they are now in the pilot's team."""
    _pilot_mail(
        "team_invited",
        member,
        experiment,
        lambda title, link: (
            _("You are in the team of “%(title)s”", title=title),
            [
                _(
                    "%(inviter)s added you to the team of the pilot “%(title)s”: you can see it "
                    "and send its reports.",
                    inviter=inviter.name,
                    title=title,
                ),
                "",
                _("See the pilot: %(link)s", link=link),
            ],
        ),
        anchor=None,
    )
