from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


def _content_changed(sender, action=None, **kwargs):
    from roadmap.structure import content_changed

    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: once, after the change

    content_changed()


class RoadmapConfig(AppConfig):
    name = "roadmap"
    verbose_name = "Roadmap content"

    def ready(self):
        # Cache invalidation, not business logic: every write to content (the admin,
        # loaddata, a shell) gives the content a new version in its own transaction,
        # so roadmap.structure rebuilds on the next request in every process.
        # Bulk writes send no signals; the importer calls content_changed() itself.
        from simple_history.models import HistoricalChanges

        from roadmap import models

        for model in self.get_models():
            # Not content: the version itself, link checks (written daily by check_links),
            # and the history records a content write makes beside the write.
            if issubclass(model, (models.ContentVersion, models.LinkCheck, HistoricalChanges)):
                continue
            post_save.connect(_content_changed, sender=model, dispatch_uid=f"content-save-{model.__name__}")
            post_delete.connect(
                _content_changed, sender=model, dispatch_uid=f"content-delete-{model.__name__}"
            )
        m2m_changed.connect(
            _content_changed, sender=models.TimelineEntry.phases.through, dispatch_uid="content-m2m-timeline"
        )
