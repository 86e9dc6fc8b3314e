"""Find and replace in a project's segments, on a real library: what is
found, what a replace changes (segments and script, in one transaction),
what it refuses, and that the reverse plan undoes it exactly, takes included."""

from __future__ import annotations

import numpy as np
import pytest

from studio.core import review
from studio.core.jobs import JobQueue
from studio.core.planning import save_take_audio
from studio.core.store import Library, Project
from studio.errors import UserError
from studio.text import prepare_script
from tests.conftest import snapshot
from tests.gui.helpers import SCRIPT, make_project


def _project(library: Library, script: str, name: str = "p") -> Project:
    joe = library.find_voice("joe")
    assert joe is not None
    return library.sync_project(name, script, joe, prepare_script(script).segments).project


def _sources(library: Library, project: Project) -> list[str]:
    return [s.source for s in library.segments(project.id)]


def _script(library: Library, project: Project) -> str:
    found = library.find_project(project.name)
    assert found is not None
    return found.script


def _render_by_hand(library: Library, segment_ids: list[int]) -> None:
    """Complete a render of these segments on the real queue (no engine)."""
    queue = JobQueue(library)
    queue.enqueue(segment_ids, "piper")
    while (job := queue.claim("piper", worker_pid=1)) is not None:
        path = save_take_audio(library, np.full(2205, 0.1, np.float32), 22050)
        queue.complete(job, path=path, backend="piper", sample_rate=22050, frames=2205)


def test_find_as_written_with_case_whole_words_and_regex(library: Library) -> None:
    project = _project(library, "The Line is here. A lineup of lines follows. Line two ends.")
    first, second, third = library.segments(project.id)

    found = review.find_matches(library, project.id, "line")
    assert [(m.number, m.start, m.end) for m in found] == [
        (1, 4, 8), (2, 2, 6), (2, 12, 16), (3, 0, 4)]
    assert found[0].segment_id == first.id and found[1].segment_id == second.id
    assert first.source[4:8] == "Line"  # offsets into the text as written

    cased = review.find_matches(library, project.id, "line", case=True)
    assert [(m.number, m.start) for m in cased] == [(2, 2), (2, 12)]
    words = review.find_matches(library, project.id, "line", whole_words=True)
    assert [(m.number, m.start) for m in words] == [(1, 4), (3, 0)]  # not lineup, lines
    both = review.find_matches(library, project.id, "Line", case=True, whole_words=True)
    assert [m.number for m in both] == [1, 3]

    regex = review.find_matches(library, project.id, r"lines?\b", regex=True)
    assert [(m.number, m.start, m.end) for m in regex] == [(1, 4, 8), (2, 12, 17), (3, 0, 4)]
    # as written unless regex: a dot is a dot
    assert review.find_matches(library, project.id, "here.") != []
    assert review.find_matches(library, project.id, "l.ne") == []
    assert [m.number for m in review.find_matches(library, project.id, "l.ne", regex=True)] \
        == [1, 2, 2, 3]
    # empty matches are not matches; an empty pattern finds nothing
    assert review.find_matches(library, project.id, "x*", regex=True) == []
    assert review.find_matches(library, project.id, "") == []
    assert third.source.startswith("Line")


def test_a_bad_regex_is_a_user_error_naming_the_problem(library: Library) -> None:
    project = _project(library, SCRIPT)
    with pytest.raises(UserError, match=r"'\(line' is not a valid regular expression "
                                        r"\(missing \), unterminated subpattern"):
        review.find_matches(library, project.id, "(line", regex=True)
    assert review.find_matches(library, project.id, "(line") == []  # as written: fine
    with pytest.raises(UserError, match=r"does not fit the pattern.*invalid group reference 2"):
        review.plan_replace(library, project.id, r"(line)", r"\2", regex=True)


def test_replace_all_changes_segments_and_script_in_place(library: Library) -> None:
    script = ("The first line\nis here. The second line follows.\n\n"
              "Another paragraph, with a line again. No line ends here!")
    project = _project(library, script)
    untouched = library.segments(project.id)[2]
    plan = review.plan_replace(library, project.id, "line", "row", case=False,
                               whole_words=True, regex=False)
    assert plan.replacements == 4 and plan.skipped == ()
    assert [e.number for e in plan.edits] == [1, 2, 3, 4]
    assert _sources(library, project)[0] == "The first line is here."  # nothing written yet

    changed = review.apply_replace(library, plan)

    assert changed == [e.segment_id for e in plan.edits]
    assert _sources(library, project) == [
        "The first row is here.", "The second row follows.",
        "Another paragraph, with a row again.", "No row ends here!"]
    assert library.segments(project.id)[0].text == "The first row is here."
    # the script holds the edits in their places (a wrapped line is found across
    # its break), so a later re-split keeps them
    assert _script(library, project) == (
        "The first row is here. The second row follows.\n\n"
        "Another paragraph, with a row again. No row ends here!")
    again = prepare_script(_script(library, project)).segments
    assert [p.source for p in again] == _sources(library, project)
    assert library.segment(untouched.id).paragraph == 1


def test_regex_replacement_groups(library: Library) -> None:
    project = _project(library, SCRIPT)
    plan = review.plan_replace(library, project.id, r"The (\w+) line", r"Line \1",
                               regex=True, case=True)
    review.apply_replace(library, plan)
    assert _sources(library, project) == [
        "Line first is here.", "Line second follows.", "The last one ends it."]
    assert _script(library, project) == \
        "Line first is here. Line second follows. The last one ends it."


def test_only_one_match_or_some_segments(library: Library) -> None:
    project = _project(library, "One line, one more line here. The second line follows.")
    matches = review.find_matches(library, project.id, "line")
    assert len(matches) == 3
    plan = review.plan_replace(library, project.id, "line", "row", only=matches[1])
    assert plan.replacements == 1
    review.apply_replace(library, plan)
    assert _sources(library, project) == [
        "One line, one more row here.", "The second line follows."]

    second = library.segments(project.id)[1]
    plan = review.plan_replace(library, project.id, "line", "row", segment_ids=[second.id])
    review.apply_replace(library, plan)
    assert _sources(library, project) == ["One line, one more row here.",
                                          "The second row follows."]
    # a match that is not there any more
    with pytest.raises(UserError, match="segment 2 changed since the search"):
        review.plan_replace(library, project.id, "line", "row", only=matches[2])


def test_locked_segments_are_skipped_and_listed(library: Library) -> None:
    project = _project(library, SCRIPT)
    first, second, third = library.segments(project.id)
    review.set_locked(library, second.id, True)
    plan = review.plan_replace(library, project.id, "e", "E", case=True)
    assert [(s.segment_id, s.number, s.reason) for s in plan.skipped] == \
        [(second.id, 2, "locked")]
    assert [e.segment_id for e in plan.edits] == [first.id, third.id]
    review.apply_replace(library, plan)
    assert _sources(library, project) == [
        "ThE first linE is hErE.", "The second line follows.", "ThE last onE Ends it."]
    assert _script(library, project) == \
        "ThE first linE is hErE. The second line follows. ThE last onE Ends it."


@pytest.mark.parametrize(("pattern", "replacement", "regex", "message"), [
    (r"^.*(first|last).*$", "...", True,
     r"nothing was replaced: segments 1, 3 would have nothing left to speak: "
     r"replace with words"),
    ("here", "and so on " * 40, False,
     r"segment 1 would be more than one segment's worth \(voice 'joe' reads at most "
     r"300 characters at a time\): use a shorter replacement, or edit the script itself"),
    ("line", "行", False,
     r"the new text of segment 1 is Chinese, but voice 'joe' \(piper\) reads English only"),
])
def test_a_refused_replace_writes_nothing(library: Library, pattern: str, replacement: str,
                                          regex: bool, message: str) -> None:
    project = make_project(library, "p", rendered=True)
    before = snapshot(library.root)
    with pytest.raises(UserError, match=message):
        review.plan_replace(library, project.id, pattern, replacement, regex=regex)
    assert snapshot(library.root) == before


def test_a_plan_that_no_longer_fits_is_refused_whole(library: Library) -> None:
    project = _project(library, SCRIPT)
    first, second, _third = library.segments(project.id)
    plan = review.plan_replace(library, project.id, "line", "row")
    review.edit_text(library, second.id, "The second line, edited.")
    before = snapshot(library.root)
    with pytest.raises(UserError, match="segment 2 has been changed meanwhile, so this "
                                        "replace no longer fits it: nothing was changed"):
        review.apply_replace(library, plan)
    assert snapshot(library.root) == before  # segment 1 was not written either

    plan = review.plan_replace(library, project.id, "line", "row")
    review.set_locked(library, first.id, True)
    before = snapshot(library.root)
    with pytest.raises(UserError, match="segment 1 has been locked meanwhile"):
        review.apply_replace(library, plan)
    assert snapshot(library.root) == before


def test_a_script_changed_elsewhere_gets_the_edits_in_their_places(library: Library) -> None:
    project = _project(library, SCRIPT)
    plan = review.plan_replace(library, project.id, "second", "next")
    spaced = SCRIPT.replace(". ", ".\n")  # the same segments, on lines of their own
    joe = library.find_voice("joe")
    library.sync_project("p", spaced, joe, prepare_script(spaced).segments)
    review.apply_replace(library, plan)
    assert _script(library, project) == spaced.replace("second", "next")
    review.apply_replace(library, plan.reverse())
    assert _script(library, project) == spaced


def test_undo_brings_back_texts_script_and_current_takes(library: Library) -> None:
    project = make_project(library, "p", rendered=True)
    segments = library.segments(project.id)
    takes = {s.id: s.current_take_id for s in segments}
    assert {s.state for s in segments} == {"rendered"}
    before = snapshot(library.root)

    plan = review.plan_replace(library, project.id, "line", "sentence")
    review.apply_replace(library, plan)
    assert [s.state for s in library.segments(project.id)] == ["stale", "stale", "rendered"]
    assert "first sentence" in _script(library, project)

    review.apply_replace(library, plan.reverse())  # undo
    assert [s.state for s in library.segments(project.id)] == ["rendered"] * 3
    assert {s.id: s.current_take_id for s in library.segments(project.id)} == takes
    assert _script(library, project) == SCRIPT
    assert snapshot(library.root) == before  # exactly as it was: no render needed

    review.apply_replace(library, plan)  # redo
    assert _sources(library, project)[:2] == [
        "The first sentence is here.", "The second sentence follows."]


def test_undo_after_the_new_text_was_rendered_brings_the_old_takes_back(
        library: Library) -> None:
    project = make_project(library, "p", rendered=True)
    first = library.segments(project.id)[0]
    old_take = first.current_take_id
    plan = review.plan_replace(library, project.id, "first", "opening")
    review.apply_replace(library, plan)
    _render_by_hand(library, [first.id])
    new_take = library.segment(first.id).current_take_id
    assert new_take != old_take and library.segment(first.id).state == "rendered"

    review.apply_replace(library, plan.reverse())
    assert library.segment(first.id).current_take_id == old_take
    assert library.segment(first.id).state == "rendered"
    review.apply_replace(library, plan)
    assert library.segment(first.id).current_take_id == new_take
    assert library.segment(first.id).state == "rendered"


def test_the_script_is_edited_in_the_segments_own_place(library: Library) -> None:
    """A sentence that also appears inside an earlier one is replaced where it
    stands, by a replace and by a single edit."""
    project = _project(library, "He said it twice: Go now. Go now.")
    assert _sources(library, project) == ["He said it twice: Go now.", "Go now."]
    second = library.segments(project.id)[1]
    plan = review.plan_replace(library, project.id, "go now", "Leave at once",
                               segment_ids=[second.id])
    review.apply_replace(library, plan)
    assert _script(library, project) == "He said it twice: Go now. Leave at once."

    other = _project(library, "Say it loud: Stop here. Stop here.", name="q")
    review.edit_text(library, library.segments(other.id)[1].id, "Stop right there.")
    assert _script(library, other) == "Say it loud: Stop here. Stop right there."


def test_edit_text_keeps_its_checks(library: Library) -> None:
    project = _project(library, SCRIPT)
    first, second, _third = library.segments(project.id)
    with pytest.raises(UserError, match="segments' worth") as refused:
        review.edit_text(library, second.id, ", ".join(["this clause goes on and on"] * 16)
                         + ".")
    assert "at most 300 characters" in str(refused.value)
    with pytest.raises(UserError, match="is Chinese"):
        review.edit_text(library, second.id, "第二行。")
    review.set_locked(library, first.id, True)
    with pytest.raises(UserError, match="is locked"):
        review.edit_text(library, first.id, "No.")
    assert review.edit_text(library, second.id, "  The 2nd line.  ").source == "The 2nd line."
    assert library.segment(second.id).text == "The second line."
    assert _script(library, project) == \
        "The first line is here. The 2nd line. The last one ends it."


def test_a_plan_for_a_project_moved_to_the_trash_is_refused(library: Library) -> None:
    project = _project(library, SCRIPT)
    plan = review.plan_replace(library, project.id, "line", "row")
    library.trash_project(project.name)
    before = snapshot(library.root)
    with pytest.raises(UserError, match="the project is in the trash"):
        review.apply_replace(library, plan)
    assert snapshot(library.root) == before
