import json

from allauth.core.ratelimit import consume_or_429
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import ProtectedError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.forms import DeleteAccountForm, ProfileForm
from accounts.services import user_delete, user_export_data


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save(commit=False).save(update_fields=ProfileForm.Meta.fields)
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:profile")
        # Validation copied the valid fields onto request.user; the page around
        # the form must keep showing what is saved.
        request.user.refresh_from_db(fields=ProfileForm.Meta.fields)
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_safe
def data(request):
    return render(request, "accounts/data.html")


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def data_download(request):
    payload = json.dumps(
        user_export_data(user=request.user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False
    )
    filename = f"waymark-data-{timezone.localdate():%Y-%m-%d}.json"
    response = HttpResponse(payload, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST":
        # The password check can be used to guess a password from a stolen session.
        limited = consume_or_429(request, action="reauthenticate", user=request.user)
        if limited:
            return limited
        if form.is_valid():
            try:
                user_delete(user=request.user)
            except ProtectedError:
                form.add_error(
                    None,
                    "Your account still has records others depend on (such as a cohort you mentor). "
                    "Hand them over first; nothing was deleted.",
                )
            else:
                logout(request)
                messages.success(request, "Your account and everything stored about you have been deleted.")
                return redirect("/")
    return render(request, "accounts/delete.html", {"form": form})
