"""What came of each experiment: said on its card in the catalogue and first on its page."""

import re

from experiments.extensions import db
from experiments.models import Experiment
from tests.test_catalogue import owner, shelf  # noqa: F401 (fixtures)

LESSON = "Robots need a person nearby. Children asked it for stories all day."


def _card(page: str, title: str) -> str:
    cards = re.findall(r'<li class="experiment-card.*?</li>\n', page, re.S)
    return next(card for card in cards if f">{title}</a></h2>" in card)


def _decide(app, experiment_id, lessons=LESSON, decision="Every library gets one."):
    with app.app_context():
        experiment = db.session.get(Experiment, experiment_id)
        experiment.lessons_learned, experiment.decision = lessons, decision
        db.session.commit()


def test_each_card_says_what_came_of_it(client, shelf, app):  # noqa: F811
    _decide(app, shelf["adopted"])
    page = client.get("/experiments?lang=en").text
    adopted = _card(page, "Library robot")
    assert "What came of it:</span>\n  <strong>Adopted</strong> (Dec 30, 2019)" in adopted
    # The lesson in one line: its first sentence.
    assert '<span lang="en">Robots need a person nearby.</span>' in adopted
    assert "Children asked" not in adopted
    assert "<strong>Discontinued</strong>" in _card(page, "Drone post")
    assert "running until Dec 31, 2020" in _card(page, "Snow robot")
    assert "ended Dec 30, 2021, being evaluated" in _card(page, "Bus app")


def test_in_finnish_and_swedish_too(client, shelf):  # noqa: F811
    finnish = _card(client.get("/experiments?lang=fi").text, "Snow robot")
    assert "Mitä siitä seurasi:" in finnish and "käynnissä" in finnish
    swedish = _card(client.get("/experiments?lang=sv").text, "Library robot")
    assert "Vad det ledde till:" in swedish and "<strong>Införd</strong>" in swedish


def test_the_page_leads_with_the_result_then_the_story(client, shelf, app):  # noqa: F811
    _decide(app, shelf["adopted"])
    page = client.get(f"/experiments/{shelf['adopted']}?lang=en").text
    main = page.split('id="main"')[1]
    order = [
        main.index('id="result-title">The result</h2>'),
        main.index("Every library gets one."),
        main.index(LESSON),
        main.index('id="story-title">The story</h2>'),
        main.index("<h3>The need</h3>"),
        main.index("<h3>What was tried</h3>"),
        main.index("<h3>With whom</h3>"),
        main.index("<h3>In numbers</h3>"),
    ]
    assert order == sorted(order)


def test_a_running_pilot_says_so_first(client, shelf):  # noqa: F811
    page = client.get(f"/experiments/{shelf['pilot']}?lang=en").text
    result = page.split('id="result-title"')[1].split("</section>")[0]
    assert "running until Dec 31, 2020" in result
