"""pipelines.pipeline_board (the kanban board's read model) and import_jobs.job_page."""

from __future__ import annotations

from pathlib import Path

from goodwill.services import import_jobs, importing, opportunities, pipelines
from goodwill.services.importing import ImportOptions


def test_board_has_every_stage_and_the_newest_open_cards_bounded(uow, owner):
    view = pipelines.create_pipeline(owner, uow, "Deals", "sales")
    made = [opportunities.add_opportunity(owner, uow, view.id, f"Deal {n}").id for n in range(5)]
    won = opportunities.add_opportunity(owner, uow, view.id, "Closed one")
    won_stage = next(s for s in view.stages if s.outcome == "won")
    opportunities.move_opportunity(owner, uow, won.id, won_stage.name)
    board = pipelines.pipeline_board(owner, uow, view.id, per_column=3)
    assert [c.stage.name for c in board.columns] == [s.name for s in view.stages]
    first = board.columns[0]
    assert [o.id for o in first.cards] == made[::-1][:3] and first.more == 2
    closed = next(c for c in board.columns if c.stage.id == won_stage.id)
    assert closed.cards == [] and closed.stage.opportunities == 1


def test_board_of_a_teammate_leaves_out_private_opportunities(uow, owner, teammate):
    view = pipelines.create_pipeline(owner, uow, "Team deals", "sales", visibility="workspace")
    shared = opportunities.add_opportunity(owner, uow, view.id, "Shared", visibility="workspace")
    opportunities.add_opportunity(owner, uow, view.id, "Mine", visibility="private")
    board = pipelines.pipeline_board(teammate, uow, view.id)
    assert [o.id for o in board.columns[0].cards] == [shared.id]
    assert board.columns[0].more == 0


def test_job_page_lists_the_contacts_the_import_brought_in(uow, owner, tmp_path: Path):
    path = tmp_path / "people.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nN:Hopper;Grace;;;\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alan Turing\r\nN:Turing;Alan;;;\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    run = importing.run_import(owner, uow, path, ImportOptions(format="vcard"))
    page = import_jobs.job_page(owner, uow, run.id, limit=1)
    assert page.job.summary.status == "completed"
    assert page.contacts_total == 2 and [c.label for c in page.contacts] == ["Grace Hopper"]
    importing.undo_import(owner, uow, run.id)
    assert import_jobs.job_page(owner, uow, run.id).contacts == []
