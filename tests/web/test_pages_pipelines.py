"""The Pipelines pages over TestClient: the list, the kanban board (bounded columns, the
"Move to" form), moves by form and by HTMX, the reports with their charts, CSRF, and a
teammate never seeing the owner's private opportunity."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest

from goodwill.services import opportunities, pipelines, reports
from tests.web.sessions import session_client


@pytest.fixture
def client(app, uow, owner):
    return session_client(app, uow, owner)


@pytest.fixture
def sales(owner, uow):
    view = pipelines.create_pipeline(owner, uow, "Deals", "sales", visibility="workspace")
    opp = opportunities.add_opportunity(
        owner, uow, view.id, "Acme renewal", value="1200", currency="EUR", visibility="workspace"
    )
    return view, opp


def _column(html: str, stage_id: int) -> str:
    """The HTML of one board column."""
    start = html.index(f'data-stage-id="{stage_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_pipeline_list_links_each_board_and_its_reports(client, sales):
    view, _ = sales
    response = client.get("/pipelines")
    assert response.status_code == 200
    assert f'href="/pipelines/{view.id}"' in response.text
    assert f'href="/pipelines/{view.id}/reports/funnel"' in response.text
    assert f'href="/pipelines/{view.id}/reports/attribution"' in response.text
    assert 'aria-current="page"' in response.text.split("Pipelines</a>")[0][-60:]


def test_pipeline_list_without_pipelines_says_so(client):
    assert "No pipelines yet" in client.get("/pipelines").text


def test_board_shows_a_column_per_stage_and_the_card_with_a_move_form(client, sales):
    view, opp = sales
    html = client.get(f"/pipelines/{view.id}").text
    for stage in view.stages:
        assert f'id="col-{stage.id}"' in html
    first = _column(html, view.stages[0].id)
    assert f'id="opp-{opp.id}"' in first and 'tabindex="0"' in first
    assert f'action="/opportunities/{opp.id}/move"' in first
    # The next stage is chosen already: a keyboard user only presses the button.
    selected = re.search(r'<option value="([^"]+)" selected>', first)
    assert selected is not None and selected.group(1) == view.stages[1].name


def test_board_columns_are_bounded_with_a_count_of_the_rest(client, owner, uow, sales):
    view, _ = sales
    for n in range(27):
        opportunities.add_opportunity(owner, uow, view.id, f"Deal {n}")
    html = client.get(f"/pipelines/{view.id}").text
    first = _column(html, view.stages[0].id)
    assert first.count('class="cardlet pl-card"') == 25
    assert "and 3 more not shown" in first
    assert 'aria-label="28 opportunities"' in first


def test_move_by_form_redirects_to_the_board_on_the_moved_card(client, owner, uow, sales):
    view, opp = sales
    target = view.stages[1].name
    response = client.post(f"/opportunities/{opp.id}/move", data={"stage": target})
    assert response.status_code == 303
    assert response.headers["location"] == f"/pipelines/{view.id}#opp-{opp.id}"
    assert opportunities.show_opportunity(owner, uow, opp.id).stage == target
    html = client.get(f"/pipelines/{view.id}").text
    assert f'id="opp-{opp.id}"' in _column(html, view.stages[1].id)
    assert f'id="opp-{opp.id}"' not in _column(html, view.stages[0].id)


def test_move_by_htmx_answers_with_hx_redirect(client, owner, uow, sales):
    view, opp = sales
    response = client.post(
        f"/opportunities/{opp.id}/move",
        data={"stage": view.stages[2].name},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == f"/pipelines/{view.id}#opp-{opp.id}"


def test_move_to_an_unknown_stage_is_an_error_page(client, sales):
    _, opp = sales
    response = client.post(f"/opportunities/{opp.id}/move", data={"stage": "nowhere"})
    assert response.status_code == 422
    assert "is not a stage of pipeline" in response.text


def test_move_without_the_csrf_token_is_refused(app, uow, owner, sales):
    view, opp = sales
    bare = session_client(app, uow, owner, csrf=False)
    response = bare.post(f"/opportunities/{opp.id}/move", data={"stage": view.stages[1].name})
    assert response.status_code == 403
    assert opportunities.show_opportunity(owner, uow, opp.id).stage == view.stages[0].name


@pytest.mark.parametrize("name", ["funnel", "aging", "attribution"])
def test_reports_render_an_svg_chart_with_a_title_and_a_table(client, owner, uow, sales, name):
    view, opp = sales
    opportunities.move_opportunity(owner, uow, opp.id, view.stages[1].name)
    response = client.get(f"/pipelines/{view.id}/reports/{name}")
    assert response.status_code == 200
    html = response.text
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "<title" in svg and "<rect" in svg
    assert "style=" not in svg
    assert "<table" in html


def test_funnel_chart_draws_a_bar_per_stage_reached(client, owner, uow, sales):
    view, opp = sales
    opportunities.move_opportunity(owner, uow, opp.id, view.stages[1].name)
    html = client.get(f"/pipelines/{view.id}/reports/funnel").text
    svg = html[html.index("<svg") : html.index("</svg>")]
    steps = reports.funnel_report(owner, uow, pipeline=view.id).steps
    assert svg.count("<rect") == len(steps) >= 4
    assert f'<th scope="row">{view.stages[1].name}</th><td>1</td>' in html


def test_jobsearch_report_shows_the_cost_of_delay(client, owner, uow):
    view = pipelines.create_pipeline(
        owner, uow, "Search", "job_search", target_salary="52000", currency="EUR"
    )
    opportunities.add_opportunity(owner, uow, view.id, "Platform engineer at Initech")
    html = client.get(f"/pipelines/{view.id}/reports/jobsearch").text
    assert "Cost of delay" in html and "1,000 EUR" in html
    assert "<svg" in html


def test_a_report_over_a_window_counts_only_what_opened_in_it(client, sales):
    view, _ = sales
    everything = client.get(f"/pipelines/{view.id}/reports/funnel").text
    assert "<strong>1</strong> opportunities" in everything
    later = client.get(f"/pipelines/{view.id}/reports/funnel?since=2999-01-01&until=").text
    assert "<strong>0</strong> opportunities" in later
    assert 'name="since" value="2999-01-01"' in later
    wrong = client.get(f"/pipelines/{view.id}/reports/funnel?since=2024-02-01&until=2024-01-01")
    assert wrong.status_code == 422 and "is after until" in wrong.text


def test_unknown_report_is_not_found(client, sales):
    view, _ = sales
    assert client.get(f"/pipelines/{view.id}/reports/forecastx").status_code == 422


def test_teammate_sees_the_shared_board_without_the_owners_private_opportunity(
    app, uow, owner, teammate, sales
):
    view, shared = sales
    canary = f"CANARY-{uuid4().hex}"
    opportunities.add_opportunity(owner, uow, view.id, f"deal {canary}", visibility="private")
    mate = session_client(app, uow, teammate)
    for url in (
        f"/pipelines/{view.id}",
        "/pipelines",
        f"/pipelines/{view.id}/reports/funnel",
        f"/pipelines/{view.id}/reports/aging",
    ):
        response = mate.get(url)
        assert response.status_code == 200, url
        assert canary not in response.text, url
    html = mate.get(f"/pipelines/{view.id}").text
    assert shared.title in html
    # Only its owner moves it: no move form or drag handle for the teammate.
    assert f'action="/opportunities/{shared.id}/move"' not in html
    assert 'draggable="true"' not in html and "only they move it" in html
    assert 'aria-label="1 opportunities"' in _column(html, view.stages[0].id)


def test_teammate_cannot_see_a_private_pipeline_or_move_its_cards(app, uow, owner, teammate):
    view = pipelines.create_pipeline(owner, uow, "Mine alone", "sales")
    opp = opportunities.add_opportunity(owner, uow, view.id, "Secret deal")
    mate = session_client(app, uow, teammate)
    assert mate.get(f"/pipelines/{view.id}").status_code == 404
    assert mate.get(f"/pipelines/{view.id}/reports/funnel").status_code == 404
    moved = mate.post(f"/opportunities/{opp.id}/move", data={"stage": view.stages[1].name})
    assert moved.status_code == 404
    assert "Secret deal" not in mate.get("/pipelines").text


def test_pages_need_a_session(app, sales):
    from fastapi.testclient import TestClient

    view, _ = sales
    anonymous = TestClient(app, follow_redirects=False)
    response = anonymous.get(f"/pipelines/{view.id}")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
