"""The Simplified Chinese interface: compiled from its TS source, complete."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from studio.paths import repo_resource


def test_every_string_has_a_chinese_translation() -> None:
    tree = ET.parse(repo_resource("translations", "studio_zh_CN.ts"))
    messages = list(tree.iter("message"))
    assert len(messages) > 100
    unfinished = [m.find("source").text for m in messages
                  if m.find("translation").get("type") == "unfinished"
                  or not (m.find("translation").text or "").strip()]
    assert unfinished == []


def test_the_window_speaks_chinese(qapp, qtbot, library_dir) -> None:
    from PySide6.QtCore import QCoreApplication

    from studio.core.store import Library
    from studio.ui import i18n
    from studio.ui.main_window import MainWindow

    library = Library.open(library_dir)
    translators = i18n.install(qapp, "zh_CN")
    try:
        assert translators  # ours (compiled by lrelease into the cache) and Qt's
        assert QCoreApplication.translate("View", "Voices") == "声音库"
        window = MainWindow(library)
        qtbot.addWidget(window)
        window.show()
        names = [window.nav.item(i).text() for i in range(window.nav.count())]
        assert names == ["声音库", "项目", "队列", "渲染引擎", "模型", "发音"]
        assert window.menuBar().actions()[0].text() == "文件(&F)"
        window.close()
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
        library.close()


def test_light_and_dark(qapp) -> None:
    from PySide6.QtGui import QPalette

    from studio.ui import theme

    try:
        assert theme.apply(qapp, "dark") == "dark"
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 80
        assert theme.apply(qapp, "light") == "light"
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 180
        assert theme.apply(qapp, "system") in ("light", "dark")
    finally:
        theme.apply(qapp, "light")


def test_qt_bindings_keep_none_alive(qapp) -> None:
    """PySide6 6.12.0 released a reference to None on every void call, which
    kills a long session on Python 3.11 (None is immortal only from 3.12):
    the dependency excludes it, and this guards the pin."""
    import sys

    from PySide6.QtWidgets import QProgressBar

    bar = QProgressBar()
    before = sys.getrefcount(None)
    for _ in range(2000):
        bar.setValue(1)
        qapp.processEvents()
    assert sys.getrefcount(None) - before > -100
    bar.deleteLater()
