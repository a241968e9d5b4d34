"""Join links: joining after confirming, signing up or in on the way, regenerated and bad links, leaving."""

import pytest
from django.urls import reverse

from progress.mentoring.models import Cohort, Membership
from tests.accounts.conftest import confirm_address, links_in

pytestmark = pytest.mark.django_db


def _join_url(cohort):
    return reverse("cohorts:join", kwargs={"token": cohort.invite_token})


def test_the_token_is_long_random_and_unique(cohort):
    other = Cohort.objects.create(name="Other")
    assert len(cohort.invite_token) >= 43
    assert cohort.invite_token != other.invite_token


def test_it_shows_the_cohort_and_its_mentors_before_joining(client, cohort, outsider, mentor):
    client.force_login(outsider)
    response = client.get(_join_url(cohort))
    assert response.status_code == 200
    assert "Spring cohort" in response.text
    assert "Mina Mentor" in response.text
    assert "mentor@example.com" not in response.text
    assert "Join the cohort" in response.text
    assert not Membership.objects.filter(user=outsider).exists()  # a GET changes nothing


def test_it_joins_on_post(client, cohort, outsider):
    client.force_login(outsider)
    response = client.post(_join_url(cohort))
    assert response.status_code == 302
    assert response.url == reverse("cohorts:mine")
    assert Membership.objects.filter(cohort=cohort, user=outsider).exists()
    page = client.get(response.url)
    assert "You joined “Spring cohort”" in page.text
    assert "Mina Mentor" in page.text


def test_joining_twice_changes_nothing(client, cohort, learner):
    client.force_login(learner)
    response = client.post(_join_url(cohort), follow=True)
    assert "already in" in response.text
    assert Membership.objects.filter(cohort=cohort, user=learner).count() == 1
    assert "already in this cohort" in client.get(_join_url(cohort)).text


def test_a_mentor_cannot_join_their_own_cohort_as_a_learner(client, cohort, mentor):
    client.force_login(mentor)
    assert "You mentor this cohort" in client.get(_join_url(cohort)).text
    response = client.post(_join_url(cohort), follow=True)
    assert "cannot also join it" in response.text
    assert not Membership.objects.filter(user=mentor).exists()


def test_it_offers_a_visitor_sign_up_and_sign_in_that_come_back(client, cohort):
    response = client.get(_join_url(cohort))
    assert response.status_code == 200
    assert "Spring cohort" in response.text
    back = f"next=%2Fjoin%2F{cohort.invite_token}%2F"
    assert f'href="{reverse("account_signup")}?{back}"' in response.text
    assert f'href="{reverse("account_login")}?{back}"' in response.text


def test_a_visitor_posting_is_sent_to_sign_in_and_nothing_changes(client, cohort):
    response = client.post(_join_url(cohort))
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=%2Fjoin%2F{cohort.invite_token}%2F"
    assert Membership.objects.count() == 1


def test_it_signs_up_in_the_middle_and_comes_back_to_confirm(
    client, cohort, password, django_user_model, mailoutbox
):
    signup = f"{reverse('account_signup')}?next={_join_url(cohort)}"
    response = client.post(
        signup, {"email": "newcomer@example.com", "password1": password, "password2": password}
    )
    assert response.url == reverse("account_email_verification_sent")
    (link,) = [link for link in links_in(mailoutbox[0]) if "/confirm-email/" in link]
    response = client.post(link.removeprefix("http://testserver"))  # the emailed link, same browser
    assert response.status_code == 302
    assert response.url == _join_url(cohort)
    newcomer = django_user_model.objects.get(email="newcomer@example.com")
    assert not Membership.objects.filter(user=newcomer).exists()  # not before confirming
    assert "Join the cohort" in client.get(response.url).text
    client.post(_join_url(cohort))
    assert Membership.objects.filter(cohort=cohort, user=newcomer).exists()


def test_it_signs_in_in_the_middle_and_comes_back_to_confirm(client, cohort, outsider, password):
    confirm_address(outsider)
    login = f"{reverse('account_login')}?next={_join_url(cohort)}"
    response = client.post(login, {"login": outsider.email, "password": password})
    assert response.status_code == 302
    assert response.url == _join_url(cohort)
    client.post(response.url)
    assert Membership.objects.filter(cohort=cohort, user=outsider).exists()


def test_regenerating_the_link_stops_the_old_one(client, cohort, mentor, outsider):
    old = _join_url(cohort)
    client.force_login(mentor)
    response = client.post(reverse("cohorts:regenerate", kwargs={"pk": cohort.pk}))
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert _join_url(cohort) != old
    assert cohort.invite_token in client.get(cohort.get_absolute_url()).text

    client.force_login(outsider)
    response = client.get(old)
    assert response.status_code == 404
    assert "no longer valid" in response.text
    client.post(old)
    assert not Membership.objects.filter(user=outsider).exists()
    assert client.get(_join_url(cohort)).status_code == 200


@pytest.mark.parametrize(
    "token",
    ["nope", "a" * 43, "x" * 500, "..", "' OR 1=1 --", "%E2%9C%93", "abc%2Fdef"],
)
def test_it_says_a_bad_link_is_no_longer_valid(client, cohort, outsider, token):
    client.force_login(outsider)
    response = client.get(f"/join/{token}/")
    assert response.status_code == 404
    assert "no longer valid" in response.text
    assert client.post(f"/join/{token}/").status_code == 404
    assert not Membership.objects.filter(user=outsider).exists()


def test_it_refuses_a_link_with_a_nul_character(client, cohort, outsider):
    # PostgreSQL text cannot hold NUL; the site answers 400 before any lookup.
    client.force_login(outsider)
    assert client.get("/join/%00/").status_code == 400
    assert client.post("/join/%00/").status_code == 400
    assert not Membership.objects.filter(user=outsider).exists()


def test_it_rejects_other_methods_on_the_join_link(client, cohort, outsider):
    client.force_login(outsider)
    assert client.put(_join_url(cohort)).status_code == 405


def test_a_learner_sees_their_cohorts_and_mentors(client, cohort, learner, mentor):
    client.force_login(learner)
    response = client.get(reverse("cohorts:mine"))
    assert "Spring cohort" in response.text
    assert "Mina Mentor" in response.text
    assert f'href="{reverse("cohorts:mine")}"' in response.text  # "My cohort" in the navigation


def test_a_learner_outside_any_cohort_has_no_cohort_link(client, outsider, roadmap):
    client.force_login(outsider)
    response = client.get(reverse("cohorts:mine"))
    assert "You are not in a cohort" in response.text
    assert "My cohort<" not in client.get(reverse("progress:overview")).text


def test_mentors_get_a_cohorts_link(client, mentor, roadmap):
    client.force_login(mentor)
    assert f'href="{reverse("cohorts:mentor_home")}"' in client.get(reverse("progress:overview")).text


def test_leaving_asks_then_hides_the_learner_from_the_mentor(client, cohort, learner, mentor):
    client.force_login(learner)
    url = reverse("cohorts:leave", kwargs={"pk": cohort.pk})
    assert "Leave “Spring cohort”?" in client.get(url).text
    assert Membership.objects.filter(user=learner).exists()  # asking changes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert not Membership.objects.filter(user=learner).exists()
    client.force_login(mentor)
    assert "Lena Learner" not in client.get(cohort.get_absolute_url()).text
    learner_url = reverse("cohorts:learner", kwargs={"pk": cohort.pk, "user_id": learner.pk})
    assert client.get(learner_url).status_code == 404


def test_leaving_a_cohort_one_is_not_in_is_404(client, cohort, outsider):
    client.force_login(outsider)
    assert client.post(reverse("cohorts:leave", kwargs={"pk": cohort.pk})).status_code == 404
    assert cohort.memberships.count() == 1
