"""Production settings with the benchmark's URLconf: `DJANGO_SETTINGS_MODULE=bench.settings`.

The one star import in the project, and the reason it is acceptable here: this
module is not a second source of configuration. Everything still comes from
config.settings and the environment, exactly as production reads them, so the
server under test is production's; the star import keeps it so when a setting
is added. The only change is the URLconf, which adds the bare view the pages
are measured against without putting it into the application's own URLs.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
