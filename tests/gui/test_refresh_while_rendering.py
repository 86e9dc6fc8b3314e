"""What a take landing costs the window while a project renders: the panel
does not reload for another segment's change, the counts keep their size
as their text changes (a new size lays the tab out, and a tab widget
repaints itself whole on that), and the document,
the counts and the filter catch up on later turns of the event loop (real
widgets offscreen; the change is made by the real review functions on the
real store, as another process would)."""

from __future__ import annotations

from studio.core import review
from tests.gui.helpers import make_project, show_window
from tests.gui.test_batch_review import SIX
from tests.gui.test_main_window import _settle


def test_a_change_elsewhere_leaves_the_panel_and_the_layout_alone(qtbot, library):
    project = make_project(library, "r", rendered=True, script=SIX)
    window = show_window(qtbot, library)
    view = window.projects
    try:
        ids = [row["id"] for row in view.segments.rows]
        view.select_ids([ids[0]], ids[0])
        qtbot.waitUntil(lambda: "Approved 0 / 6" in view.counts.text(), timeout=10000)
        _settle(qtbot)
        qtbot.wait(300)  # the selection's own layout work is done
        shown: list[int | None] = []
        real_show = view.panel.show_segment
        view.panel.show_segment = lambda i, s=None: (shown.append(i), real_show(i, s))
        hints = (view.counts.sizeHint(), view.filter_picker.sizeHint())
        for n in (2, 3, 4):  # three takes land elsewhere, one refresh each
            review.approve(library, ids[n])
            view.refresh_from_store()
            qtbot.waitUntil(lambda n=n: f"Approved {n - 1} / 6" in view.counts.text(),
                            timeout=10000)
        qtbot.waitUntil(lambda: view.document._styles.get(ids[4], ("",))[0] == "approved",
                        timeout=10000)
        # their texts changed, their sizes did not: no layout for the tab
        assert (view.counts.sizeHint(), view.filter_picker.sizeHint()) == hints
        assert view.filter_picker.minimumSize() == view.filter_picker.maximumSize()
        assert shown == [], "the panel reloaded for another segment's change"
        assert view.filter_picker.itemText(
            view.filter_picker.findData("approved")) == "Approved (3)"
        review.approve(library, ids[0])  # its own segment: the panel shows it
        view.refresh_from_store()
        qtbot.waitUntil(lambda: shown == [ids[0]], timeout=10000)
        assert view.panel.buttons["approve"].text() == "Unapprove"
        assert [s.state for s in library.segments(project.id)].count("approved") == 4
        _settle(qtbot)
    finally:
        window.close()
