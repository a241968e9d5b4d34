from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = "Learner progress"

    def export_user_data(self, user) -> dict:
        """The learner's progress for "Your data": statuses, notes, link reports, projects, plan, path,
        activity, cohorts, and the nudges their mentors sent them.

        Content is named by its stable key (and title, for people), so the
        download still means something after the roadmap is edited."""
        from django.conf import settings

        from progress.activity import local_today
        from progress.figures import learner_figures
        from progress.mentoring.models import Membership, Nudge
        from progress.models import (
            Activity,
            LearnerLink,
            LearningPlan,
            LinkReport,
            PathChoice,
            ProjectProgress,
            TopicNote,
            TopicProgress,
        )
        from roadmap import structure as roadmap_structure

        plan = LearningPlan.objects.filter(user=user).first()
        structure = roadmap_structure.current()
        return {
            "figures": self._figures(learner_figures(user, structure, today=local_today(user))),
            "topics": [
                {
                    "topic": row.topic.key,
                    "title": row.topic.title,
                    "status": row.status,
                    "updated_at": row.updated_at,
                }
                for row in TopicProgress.objects.filter(user=user)
                .select_related("topic")
                .order_by("topic__key")
            ],
            "link_reports": [
                {
                    "resource": report.resource.key,
                    "title": report.resource.title,
                    "reason": report.reason,
                    "comment": report.comment,
                    "created_at": report.created_at,
                    "resolved_at": report.resolved_at,
                    "outcome": report.outcome,
                    "resolution_note": report.resolution_note,
                }
                for report in LinkReport.objects.filter(user=user).select_related("resource")
            ],
            "notes": [
                {
                    "topic": note.topic.key,
                    "title": note.topic.title,
                    "path": " > ".join(getattr(structure.topic_by_id.get(note.topic_id), "path", ())),
                    "text": note.text,
                    "updated_at": note.updated_at,
                }
                for note in TopicNote.objects.filter(user=user).select_related("topic").order_by("topic__key")
            ],
            "projects": [
                {
                    "project": row.project.key,
                    "title": row.project.title,
                    "status": row.status,
                    "evidence_url": row.evidence_url,
                    "reflection": row.reflection,
                    "updated_at": row.updated_at,
                    "reviewed_at": row.reviewed_at,
                    "review_comment": row.review_comment,
                }
                for row in ProjectProgress.objects.filter(user=user)
                .select_related("project")
                .order_by("project__key")
            ],
            "plan": {"start_date": plan.start_date, "pace": plan.pace, "updated_at": plan.updated_at}
            if plan
            else None,
            "path_choices": [
                {"section": choice.section.key, "title": choice.section.title, "chosen_at": choice.created_at}
                for choice in PathChoice.objects.filter(user=user)
                .select_related("section")
                .order_by("section__key")
            ],
            "activity": [
                {
                    "at": row.created_at,
                    "kind": row.kind,
                    "item": (row.topic or row.project).key,
                    "title": row.topic.title if row.topic else row.project.title,
                    "from": row.from_status,
                    "to": row.to_status,
                }
                for row in Activity.objects.filter(user=user)
                .select_related("topic", "project")
                .order_by("created_at", "id")
            ],
            "cohorts": [
                {
                    "cohort": membership.cohort.name,
                    "start_date": membership.cohort.start_date,
                    "joined_at": membership.joined_at,
                }
                for membership in Membership.objects.filter(user=user)
                .select_related("cohort")
                .order_by("joined_at", "id")
            ],
            "links": [
                {
                    "kind": link.kind,
                    "address": settings.SITE_URL + link.get_absolute_url(),
                    "created_at": link.created_at,
                }
                for link in LearnerLink.objects.filter(user=user).order_by("kind")
            ],
            "mentored_cohorts": [
                {"cohort": cohort.name, "start_date": cohort.start_date, "created_at": cohort.created_at}
                for cohort in user.mentored_cohorts.order_by("created_at", "id")
            ],
            "nudges": [
                {
                    "at": nudge.created_at,
                    "kind": nudge.kind,
                    "from": str(nudge.sender) if nudge.sender else None,
                    "cohort": nudge.cohort_name,
                    "message": nudge.message,
                    "emailed": nudge.emailed,
                    "dismissed_at": nudge.dismissed_at,
                }
                for nudge in Nudge.objects.filter(learner=user)
                .select_related("sender")
                .order_by("created_at", "id")
            ],
        }

    @staticmethod
    def _figures(figures) -> dict:
        """The learner's figures as their dashboard shows them, from the read model."""

        def tally(t):
            return {
                "topics": t.leaves,
                "done": t.done,
                "skipped": t.skipped,
                "in_progress": t.in_progress,
                "percent": t.percent,
            }

        current = figures.current_phase
        report = figures.plan
        return {
            "overall": tally(figures.overall),
            "phases": [
                {
                    "phase": figure.phase.key,
                    "title": figure.phase.title,
                    "needs_path": figure.needs_path,
                    **tally(figure.tally),
                }
                for figure in figures.phases
            ],
            "current_phase": current.phase.key if current else None,
            "plan": {
                "start_date": report.start_date,
                "pace": report.pace,
                "status": str(report.status),
                "weeks": report.weeks,
                "own_plan": report.is_saved,
            }
            if report
            else None,
        }
