"""The checklist's pure pieces (app/services/checklists.py): the to-do's steps, the ticks sent
with "Finish job", the history note, the finish checks; Odoo's messages with the source's run
of spaces read with one."""
from types import SimpleNamespace

from app.odoo.errors import UserError, ValidationError
from app.platform.sanitize import list_items
from app.services import checklists


def test_todo_steps_are_the_list_items():
    html = ("<p>Bring a ladder</p><ul class=\"o_checklist\"><li>Check in</li>"
            "<li class=\"o_checked\">Inspect <b>the</b> unit</li><li> </li>"
            "<li>Photos<ul><li>before</li></ul></li></ul>")
    assert list_items(html) == ["Check in", "Inspect the unit", "Photos", "before"]
    assert list_items("<p>No list here</p>") == [] == list_items(None)


def test_ticks_from_the_device_are_checked():
    assert checklists.parse_ticks(None) is None   # the page had no to-do checklist
    assert checklists.parse_ticks("") == []
    assert checklists.parse_ticks("2, 0,x,2,-1,99999,3") == [0, 2, 3]


def test_the_note_lists_done_steps_first():
    steps = ["A", "B", "C"]
    assert checklists.checklist_note(steps, [0, 2, 7]) == "Checklist: 2 of 3 done: ✓ A; ✓ C; ✗ B"
    assert checklists.checklist_note(steps, []) == "Checklist: 0 of 3 done: ✗ A; ✗ B; ✗ C"


def test_the_report_reads_the_note_whatever_language_wrote_it():
    # A French technician's note (issue 29): the ✓/✗ items are found without the English words.
    job = {"todo": None, "extra": {}, "messages": [
        {"text": "Une note : rien à signaler"},
        {"text": "Liste de contrôle : 1 sur 2 faites : ✓ Purger; ✗ Nettoyer"},
        {"text": "Checklist: 0 of 1 done: ✗ Older"}]}
    viewer = SimpleNamespace(version=16, tz="Europe/Paris")  # 16: the activities come alongside
    assert checklists.report_lines(None, viewer, job) == ["Purger: done", "Nettoyer: not done"]
    assert checklists.report_lines(None, viewer, {"messages": [{"text": "Note: ✓ fine"}]}) == []


def test_finish_checks_link_each_required_open_step():
    checklist = {"required_open": [{"id": 7, "name": "Replace filter"}]}
    (check,) = checklists.finish_checks(checklist, "/jobs/3")
    assert check["href"] == "/jobs/3#step-7" and not check["ok"]
    assert "Replace filter" in check["label"]
    assert checklists.finish_checks(None, "/jobs/3") == []
    assert checklists.progress_text(3, 5) == "3/5 steps done"
    assert checklists.progress_text(0, 0) == ""


def test_odoo_messages_lose_the_run_of_spaces():
    raw = ("You must complete activity 'Replace filter' before" + " " * 21
           + "completing this order.")
    assert ValidationError(raw).user_message == (
        "You must complete activity 'Replace filter' before completing this order.")
    assert ValidationError(raw).message == raw   # the server's text stays for the logs
    assert UserError("Line one\nLine two").user_message == "Line one\nLine two"
