from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from progress.activity import local_today
from progress.figures import learner_figures
from progress.forms import PlanForm
from progress.models import LearningPlan
from roadmap import structure as roadmap_structure


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def plan(request):
    today = local_today(request.user)
    current = LearningPlan.objects.filter(user=request.user).first()
    if request.method == "POST":
        form = PlanForm(request.POST, instance=current, today=today)
        if form.is_valid():
            LearningPlan.objects.update_or_create(user=request.user, defaults=form.cleaned_data)
            messages.success(request, "Your plan is saved.")
            return redirect("progress:plan")
        status = 400
    else:
        form = PlanForm(instance=current, initial={} if current else {"start_date": today}, today=today)
        status = 200
    report = None
    if current is not None:
        report = learner_figures(request.user, roadmap_structure.current(), today=today).plan
    context = {"form": form, "report": report}
    return render(request, "progress/plan.html", context, status=status)
