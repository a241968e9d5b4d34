"""Roles: the groups the migration creates, granting and revoking them from the
command line and from the user admin, and who may see people in the admin."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

USERS = reverse("admin:accounts_user_changelist")


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def fresh(user):
    return User.objects.get(pk=user.pk)


# The groups ----------------------------------------------------------------------


def test_it_lets_editors_change_all_roadmap_content_and_no_people():
    from roadmap.importer import MODELS

    editors = Group.objects.get(name="Editors")
    # The content (not its history records, which the admin shows through the content's own).
    roadmap_models = {model._meta.model_name for model in MODELS}
    granted = set(
        editors.permissions.filter(content_type__app_label="roadmap").values_list(
            "content_type__model", "codename"
        )
    )

    assert len(roadmap_models) == 14
    assert ("linkneedingattention", "change_linkneedingattention") in granted
    assert not {model for model, _codename in granted if model.startswith("historical")}
    for model in roadmap_models:
        for action in ("add", "change", "delete", "view"):
            assert (model, f"{action}_{model}") in granted
    assert not editors.permissions.filter(content_type__app_label__in={"accounts", "auth"}).exists()


def test_it_gives_mentors_no_admin_permissions():
    assert list(Group.objects.get(name="Mentors").permissions.all()) == []


# grant_role / revoke_role --------------------------------------------------------


def test_it_grants_the_editor_role_with_admin_access(learner):
    out = run("grant_role", "LEARNER@example.com", "editor")

    assert out == "Granted the editor role to learner@example.com.\n"
    learner = fresh(learner)
    assert learner.is_editor
    assert learner.is_staff


def test_it_revokes_the_editor_role_and_admin_access(learner):
    run("grant_role", learner.email, "editor")

    out = run("revoke_role", learner.email, "editor")

    assert out == "Revoked the editor role from learner@example.com.\n"
    learner = fresh(learner)
    assert not learner.is_editor
    assert not learner.is_staff


def test_it_leaves_a_superuser_admin_access_when_revoking_editor(superuser):
    run("grant_role", superuser.email, "editor")
    run("revoke_role", superuser.email, "editor")

    superuser = fresh(superuser)
    assert superuser.is_staff
    assert not superuser.groups.exists()


def test_it_grants_the_mentor_role_without_admin_access(learner):
    out = run("grant_role", learner.email, "mentor")

    assert out == "Granted the mentor role to learner@example.com.\n"
    learner = fresh(learner)
    assert learner.is_mentor
    assert not learner.is_staff
    assert run("revoke_role", learner.email, "mentor") == (
        "Revoked the mentor role from learner@example.com. They mentored no cohort.\n"
    )
    assert not fresh(learner).is_mentor


def test_it_changes_nothing_when_granting_or_revoking_twice(learner):
    run("grant_role", learner.email, "mentor")
    assert run("grant_role", learner.email, "mentor") == (
        "learner@example.com already had the mentor role; nothing changed.\n"
    )
    assert fresh(learner).groups.count() == 1

    run("revoke_role", learner.email, "mentor")
    assert run("revoke_role", learner.email, "mentor") == (
        "learner@example.com did not have the mentor role; nothing changed.\n"
    )
    assert fresh(learner).groups.count() == 0


@pytest.mark.parametrize("command", ["grant_role", "revoke_role"])
def test_it_refuses_an_unknown_email(command, learner):
    with pytest.raises(CommandError, match=re.escape("No user has the email address nobody@example.com.")):
        run(command, "nobody@example.com", "editor")


@pytest.mark.parametrize("command", ["grant_role", "revoke_role"])
def test_it_refuses_an_unknown_role(command, learner):
    with pytest.raises(CommandError, match=re.escape('Unknown role "admin". Choose one of: editor, mentor.')):
        run(command, learner.email, "admin")
    assert not fresh(learner).groups.exists()
    assert not fresh(learner).is_staff


# People in the admin -------------------------------------------------------------


def test_it_forbids_editors_the_user_admin(client, editor, learner):
    client.force_login(editor)

    assert client.get(USERS).status_code == 403
    assert client.get(reverse("admin:accounts_user_change", args=[learner.pk])).status_code == 403
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    index = client.get(reverse("admin:index"))
    assert USERS not in index.text


def test_it_sends_learners_to_the_admin_login(client, learner):
    client.force_login(learner)

    response = client.get(USERS)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_it_lists_people_with_their_roles_for_superusers(client, superuser, editor, learner):
    client.force_login(superuser)

    response = client.get(USERS)

    assert response.status_code == 200
    rows = {user.email: user for user in response.context["cl"].result_list}
    admin = response.context["cl"].model_admin
    assert admin.roles(rows["editor@example.com"]) == "Editor"
    assert admin.roles(rows["learner@example.com"]) == admin.get_empty_value_display()
    assert "Edith Editor" in response.text
    assert 'value="grant_editor"' in response.text
    assert USERS in client.get(reverse("admin:index")).text


def test_it_filters_people_by_role(client, superuser, editor, learner):
    client.force_login(superuser)

    editors = client.get(USERS, {"role": "editor"}).context["cl"].result_list
    learners_only = client.get(USERS, {"role": "none"}).context["cl"].result_list

    assert [u.email for u in editors] == ["editor@example.com"]
    assert {u.email for u in learners_only} == {"learner@example.com", "root@example.com"}


def test_it_lists_people_in_a_fixed_number_of_queries(
    client, superuser, django_user_model, django_assert_max_num_queries
):
    for i in range(30):
        user = django_user_model.objects.create_user(email=f"person{i}@example.com")
        user.groups.add(Group.objects.get(name="Editors" if i % 2 else "Mentors"))
    client.force_login(superuser)

    with django_assert_max_num_queries(6):
        response = client.get(USERS)

    assert "Mentor" in response.text


@pytest.mark.parametrize(
    ("action", "role", "expected"),
    [
        ("grant_editor", "editor", True),
        ("grant_mentor", "mentor", True),
    ],
)
def test_it_grants_roles_from_the_user_admin(client, superuser, learner, outsider, action, role, expected):
    client.force_login(superuser)

    response = client.post(
        USERS, {"action": action, "_selected_action": [learner.pk, outsider.pk]}, follow=True
    )

    assert f"Granted the {role} role to 2 users." in response.text
    assert getattr(fresh(learner), f"is_{role}") is expected
    assert getattr(fresh(outsider), f"is_{role}") is expected


def test_it_revokes_roles_from_the_user_admin(client, superuser, editor, learner):
    client.force_login(superuser)

    response = client.post(
        USERS, {"action": "revoke_editor", "_selected_action": [editor.pk, learner.pk]}, follow=True
    )

    assert "Revoked the editor role from 1 user. 1 did not have it." in response.text
    editor = fresh(editor)
    assert not editor.is_editor
    assert not editor.is_staff


def test_it_hides_the_role_actions_from_anyone_but_superusers(client, django_user_model, learner):
    # A staff member handed user permissions by hand still cannot hand out roles.
    manager = django_user_model.objects.create_user(email="manager@example.com", is_staff=True)
    manager.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="accounts", codename__in=["view_user", "change_user"]
        )
    )
    client.force_login(manager)

    page = client.get(USERS)
    response = client.post(USERS, {"action": "grant_editor", "_selected_action": [learner.pk]})

    assert page.status_code == 200
    assert 'value="grant_editor"' not in page.text
    assert response.status_code in {200, 302}
    assert not fresh(learner).is_editor
    change = client.get(reverse("admin:accounts_user_change", args=[learner.pk]))
    assert 'name="is_superuser"' not in change.text
    assert 'name="groups"' not in change.text


def test_it_adds_a_person_with_email_and_password_twice(client, superuser, password):
    client.force_login(superuser)
    add = reverse("admin:accounts_user_add")
    page = client.get(add)
    assert set(page.context["adminform"].form.fields) == {"email", "password1", "password2"}

    response = client.post(
        add, {"email": "New.Person@Example.COM", "password1": password, "password2": password}
    )

    assert response.status_code == 302
    user = User.objects.get(email__iexact="new.person@example.com")
    assert user.check_password(password)
    assert not user.is_staff


def test_it_refuses_an_email_that_differs_only_in_case(client, superuser, learner, password):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {"email": "Learner@Example.com", "password1": password, "password2": password},
    )

    assert response.status_code == 200
    assert "A user with this email address already exists." in response.text
    assert User.objects.filter(email__iexact="learner@example.com").count() == 1


def test_it_refuses_mismatched_passwords(client, superuser, password):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {"email": "new@example.com", "password1": password, "password2": password + "x"},
    )

    assert response.status_code == 200
    assert not User.objects.filter(email="new@example.com").exists()


def test_it_lets_superusers_set_a_password(client, superuser, learner):
    client.force_login(superuser)
    url = reverse("admin:auth_user_password_change", args=[learner.pk])

    response = client.post(
        url, {"password1": "another horse battery 77", "password2": "another horse battery 77"}
    )

    assert response.status_code == 302
    assert fresh(learner).check_password("another horse battery 77")
