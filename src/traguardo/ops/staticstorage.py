"""Static files in production: whitenoise's compressed, hashed storage, tolerant of folders.

base.html gives Bootstrap Italia's script the URL of its fonts folder
(`{% static 'fonts' %}`); a folder has no entry in the manifest of hashed files, and the
strict manifest storage would turn every page into a server error. A folder keeps its
plain URL; a missing file is still an error.
"""

from __future__ import annotations

import os

from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:
            if os.path.isdir(self.path(name)):
                return name
            raise
