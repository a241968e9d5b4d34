from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from progress.dashboard import dashboard_for


@require_safe
@login_required
def dashboard(request):
    return render(request, "progress/dashboard.html", {"dashboard": dashboard_for(request.user)})
