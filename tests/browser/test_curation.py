"""An editor keeps the roadmap alive, tried in Chromium as a new editor would (issue 11's "done when").

They describe a topic and give it a resource, label a resource paid, see both on
the public page and filter by cost; run the link checker against a local server
(never the internet), find the dead link in the admin and adopt a redirect;
resolve a learner's report; and revert a bad edit from the history.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from progress.models import LinkReport
from progress.services import link_report_send
from roadmap.models import Resource, Topic
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PYTHON = "ai-ml-roadmap-2025/prerequisites/python-proficiency"
TOPIC = f"{PYTHON}/python-for-ai-ml/type-hints"
PAID = "Python for Everybody"
DEAD = "Real Python"


def test_it_lets_an_editor_curate_the_roadmap(site, page, editor, learner, link_server):
    # Every link points at the local server: the checker must never reach the internet.
    Resource.objects.exclude(url="").update(url=link_server.url("/ok"))
    dead = Resource.objects.filter(section__key=PYTHON, title__startswith=DEAD).first()
    dead = dead or Resource.objects.filter(section__key=PYTHON).exclude(title=PAID).first()
    Resource.objects.filter(pk=dead.pk).update(url=link_server.url("/missing"))
    paid = Resource.objects.get(key=f"{PYTHON}/resources/python-for-everybody")
    link_report_send(user=learner, resource_id=paid.pk, reason="paywalled", comment="It asks for a card")
    topic = Topic.objects.get(key=TOPIC)

    # A new editor signs in to the admin with their address and password.
    page.goto(site.url + "/admin/")
    page.get_by_label("Email").fill(editor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Roadmap content")).to_be_visible()

    # A description and a resource of the topic's own.
    page.get_by_role("link", name="Topics", exact=True).click()
    page.locator("#searchbar").fill("Type hints")
    page.locator("#searchbar").press("Enter")
    page.get_by_role("link", name=re.compile(r"Type hints$")).first.click()
    page.locator("#id_description").fill("Annotations that **tools** check, such as mypy.")
    page.get_by_role("button", name=re.compile("Add another resource of this topic", re.I)).click()
    page.locator("#id_resources-0-kind").select_option("docs")
    page.locator("#id_resources-0-title").fill("mypy documentation")
    page.locator("#id_resources-0-url").fill(link_server.url("/moved"))
    page.locator("#id_resources-0-cost").select_option("free")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator(".markdown-preview strong")).to_have_text("tools")  # the preview learners will see
    screenshot(page, "admin-topic-described")

    # The seed's course is paid.
    page.get_by_role("link", name="Resources", exact=True).first.click()
    page.locator("#searchbar").fill(PAID)
    page.locator("#searchbar").press("Enter")
    page.get_by_role("link", name=PAID, exact=True).click()
    page.locator("#id_cost").select_option("paid")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # The public page shows them; the filter needs no script.
    phase = site.url + "/phases/prerequisites/"
    page.goto(phase)
    about = page.locator(f"#{topic.slug} .topic__about")  # the topic's anchor is its slug
    about.locator("summary").click()
    expect(about).to_contain_text("Annotations that tools check, such as mypy.")
    expect(page.get_by_role("link", name="mypy documentation")).to_be_visible()
    expect(page.locator(f"#resource-{paid.pk} .cost--paid")).to_have_text("Paid")
    page.locator("#filter-cost").select_option("paid")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?cost=paid"))
    expect(page.locator(".resource")).to_have_count(1)
    expect(page.get_by_role("link", name=PAID, exact=True)).to_be_visible()
    screenshot(page, "phase-filtered-paid")

    # The daily link check (run by hand here), then the links needing attention.
    out = StringIO()
    call_command("check_links", timeout=2, delay=0, stdout=out)
    assert "1 moved, 1 broken" in out.getvalue(), out.getvalue()
    page.goto(site.url + "/admin/")
    page.get_by_role("link", name="Links needing attention").click()
    expect(page.locator("#result_list")).to_contain_text(dead.title)
    expect(page.locator("#result_list")).to_contain_text("404")
    screenshot(page, "admin-links-needing-attention")
    page.get_by_role("link", name="Moved (permanent redirect)").click()
    page.locator("#result_list input.action-select").first.check()
    page.locator("select[name=action]").select_option("adopt_redirects")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("1 link now points where it moved.")
    assert Resource.objects.get(topic=topic).url == link_server.url("/ok")

    # A learner's report: the queue counts learners and names none.
    page.get_by_role("link", name="Reported links").first.click()
    expect(page.locator("#result_list")).to_contain_text(PAID)
    expect(page.locator("body")).not_to_contain_text(learner.email)
    page.get_by_role("link", name=PAID, exact=True).click()
    expect(page.locator(".field-reports")).to_contain_text("It asks for a card")
    page.locator("#id_outcome").select_option("fixed")
    page.locator("#id_note").fill("Labelled paid now.")
    screenshot(page, "admin-resolve-report")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("1 report on “Python for Everybody” resolved")
    assert LinkReport.objects.get().outcome == "fixed"

    # A bad edit, reverted from the history.
    page.goto(site.url + f"/admin/roadmap/topic/{topic.pk}/change/")
    page.locator("#id_title").fill("Tpye hnits")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.goto(site.url + f"/admin/roadmap/topic/{topic.pk}/change/")
    page.get_by_role("link", name="History").click()
    expect(page.locator("#change-history")).to_contain_text("Tpye hnits")
    screenshot(page, "admin-topic-history")
    page.locator("#change-history tbody tr").nth(1).get_by_role("link").click()
    expect(page.locator("#id_title")).to_have_value("Type hints")
    page.get_by_role("button", name="Revert").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Topic.objects.get(pk=topic.pk).title == "Type hints"

    # The public sees the result, and what changed, with no one named.
    page.goto(phase)
    expect(page.locator(f"#topic-{topic.pk}-title")).to_have_text("Type hints")
    page.goto(site.url + "/changes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("What changed")
    expect(page.locator(".changes")).to_contain_text("mypy documentation")
    expect(page.locator("main")).not_to_contain_text(editor.display_name)  # the nav names only yourself
    screenshot(page, "what-changed")


def test_it_lets_a_learner_report_a_link_without_javascript(site, new_context, learner):
    from tests.browser.conftest import sign_in

    context = new_context(java_script_enabled=False)
    sign_in(context, site, learner)
    page = context.new_page()
    resource = Resource.objects.get(key=f"{PYTHON}/resources/python-for-everybody")
    page.goto(site.url + "/phases/prerequisites/")
    control = page.locator(f"#resource-{resource.pk}-report")
    control.locator("summary").click()
    control.get_by_label("What is wrong?").select_option("broken")
    control.get_by_label(re.compile("Anything editors should know")).fill("404 on the course page")
    control.get_by_role("button", name=re.compile("Send report")).click()

    expect(page).to_have_url(re.compile(rf"#resource-{resource.pk}$"))
    expect(page.locator(".messages")).to_contain_text("your report on Python for Everybody is sent")
    expect(page.locator(f"#resource-{resource.pk}-report-status")).to_contain_text(
        "you reported this link as broken"
    )
    screenshot(page, "phase-reported-no-js")
    assert LinkReport.objects.get().comment == "404 on the course page"
