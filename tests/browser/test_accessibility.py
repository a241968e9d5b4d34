"""Every page a person can reach passes axe-core's WCAG 2.2 AA rules, in Chromium.

The pages are found from the URL names that exist (tests/browser/conftest.py),
so new pages are checked as soon as they land. axe is injected with
page.evaluate: the site's CSP would refuse it as a <script> tag, and rightly.
Colour contrast is checked again in dark mode, which site.css supports.
"""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, ROOT, reachable_pages, sign_in

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe still checks every node; it just does not describe the ones that pass.
ONLY_VIOLATIONS = {"resultTypes": ["violations"]}

RUN_AXE = """async (options) => {
  const results = await axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary})),
  }));
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `make checkers` (npm ci)")
    return AXE.read_text()


def _violations(page, axe_source, options) -> list[dict]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(axe_source)
    return page.evaluate(RUN_AXE, options)


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"      at {node['target']}: {node['html'][:160]}")
            lines.append("        " + node["summary"].replace("\n", "\n        "))
        if len(violation["nodes"]) > 5:
            lines.append(f"      ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


# Who opens which pages, on which screen. Phase pages are the bulk of the site
# and look the same to an editor or a mentor as to any learner, so those two
# open just one. Half the people use a phone: target sizes and layouts differ.
ROLES = {
    "anonymous": {"admin": False, "phases": "all", "screen": DESKTOP},
    "learner": {"admin": False, "phases": "all", "screen": PHONE},
    "editor": {"admin": True, "phases": "one", "screen": DESKTOP},
    "mentor": {"admin": False, "phases": "one", "screen": PHONE},
}


@pytest.mark.parametrize("role", list(ROLES))
def test_it_has_no_accessibility_violations(role, site, people, page, browser_guard, axe_source):
    user = people[role]
    if user is not None:
        sign_in(page.context, site, user)
    pages = [found for found, _html in reachable_pages(user, people, admin=ROLES[role]["admin"])]
    if ROLES[role]["phases"] == "one":
        phases = [found for found in pages if found.name == "progress:phase"]
        pages = [found for found in pages if found not in phases[1:]]
    assert pages

    page.set_viewport_size(ROLES[role]["screen"])
    problems = {}
    for found in pages:
        page.emulate_media(color_scheme="light")
        if found.status != 200:
            browser_guard.expect_error_status(site.url + found.path)
        response = page.goto(site.url + found.path)
        assert response.status == found.status, found
        violations = _violations(
            page, axe_source, {"runOnly": {"type": "tag", "values": WCAG_AA}, **ONLY_VIOLATIONS}
        )
        page.emulate_media(color_scheme="dark")
        dark = _violations(
            page, axe_source, {"runOnly": {"type": "rule", "values": ["color-contrast"]}, **ONLY_VIOLATIONS}
        )
        for violation in dark:
            violation["id"] += " in dark mode"
        if violations + dark:
            problems[str(found)] = violations + dark

    report = "\n".join(f"{where}\n{_describe(found)}" for where, found in problems.items())
    width = ROLES[role]["screen"]["width"]
    assert not problems, (
        f"axe found WCAG 2.2 AA violations on {len(problems)} of {len(pages)} pages at {width} px:\n{report}"
    )
