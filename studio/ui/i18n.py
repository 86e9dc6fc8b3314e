"""Interface languages: English (the source) and Simplified Chinese.

Translations live as Qt TS sources in ``resources/translations`` (text, kept
in git); the compiled ``.qm`` is built from them on first use into the user
cache folder with the ``lrelease`` that ships with PySide6, and rebuilt when
the source is newer. Qt's own strings (dialog buttons) come from Qt's files.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import platformdirs
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from studio.paths import APP_NAME, repo_resource

LANGUAGES = {"en": "English", "zh_CN": "简体中文"}


def system_language() -> str:
    """The supported language closest to the system's."""
    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


def compiled(language: str) -> Path | None:
    """The ``.qm`` for ``language``, compiled if needed; None if there is none."""
    source = repo_resource("translations", f"studio_{language}.ts")
    if not source.exists():
        return None
    target = Path(platformdirs.user_cache_dir(APP_NAME)) / "translations" / f"studio_{language}.qm"
    if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
        import PySide6

        target.parent.mkdir(parents=True, exist_ok=True)
        lrelease = Path(PySide6.__file__).parent / "lrelease"
        subprocess.run([str(lrelease), "-silent", str(source), "-qm", str(target)],
                       check=True, capture_output=True)
    return target


def install(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install the translators for ``language`` (none for English)."""
    if language == "en":
        return []
    translators = []
    studio_qm = compiled(language)
    own = QTranslator(app)
    if studio_qm and own.load(str(studio_qm)):
        app.installTranslator(own)
        translators.append(own)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        translators.append(qt)
    return translators
