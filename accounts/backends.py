"""Authentication backends that load the signed-in person with what every page needs of them.

Django loads the session's user once per request through its backend's
`get_user`. Reading their roles, cohort membership and email verification in
that same query (`User.objects.for_session()`) saves the navigation three
queries on every page.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends, get_user_model


class SessionUserMixin:
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.for_session().get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user.from_session_row() if self.user_can_authenticate(user) else None


class ModelBackend(SessionUserMixin, backends.ModelBackend):
    pass


class AuthenticationBackend(SessionUserMixin, AllauthBackend):
    pass
