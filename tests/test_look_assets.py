"""The vendored Helsinki Design System CSS loads nothing from elsewhere (the policy allows
'self' only, and data: images for its icons), every page links it before the app's own CSS,
and the Content-Security-Policy stays exactly as it was."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HDS = ROOT / "static" / "vendor" / "hds"
POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@pytest.mark.parametrize("name", ["base.min.css", "components.min.css"])
def test_the_vendored_css_loads_nothing_from_elsewhere(name):
    text = (HDS / name).read_text(encoding="utf-8")
    assert "--color-bus" in text or ".hds-button" in text  # the real files, not empty ones
    assert "@import" not in text
    assert "@font-face" not in text
    targets = re.findall(r"url\(\s*['\"]?([^'\")]*)", text)
    assert [t for t in targets if not t.startswith("data:")] == []
    assert "sourceMappingURL" not in text


def test_the_components_icons_are_data_uris():
    text = (HDS / "components.min.css").read_text(encoding="utf-8")
    assert 'url("data:image/svg+xml' in text


def test_the_vendored_css_keeps_its_licence_and_source():
    assert "MIT" in (HDS / "LICENSE").read_text(encoding="utf-8")
    readme = (HDS / "README.md").read_text(encoding="utf-8")
    assert re.search(r"hds-core \d+\.\d+\.\d+", readme)


def test_pages_link_the_design_system_first_under_the_same_policy(client, programme):
    response = client.get("/experiments")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == POLICY
    html = response.get_data(as_text=True)
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert sheets[:3] == [
        "/static/vendor/hds/base.min.css",
        "/static/vendor/hds/components.min.css",
        "/static/css/app.css",
    ]
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html
    for sheet in sheets:
        served = client.get(sheet)
        assert served.status_code == 200
        served.close()
    assert not re.search(r"https?://", " ".join(sheets))
