"""`goodwill serve` and `goodwill token`: the server and personal tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from goodwill.cli import render
from goodwill.cli.state import console, state
from goodwill.errors import Conflict
from goodwill.services import auth, demo

token_app = typer.Typer(help="Personal tokens for the API, CardDAV and calendar feeds.")
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="What the token is for (e.g. 'phone').")],
    scope: Annotated[str, typer.Option(help="api, dav or feed.")] = "api",
) -> None:
    """Create a token and print it once (only its hash is kept)."""
    st = state(ctx)
    view, raw = auth.create_token(st.actor, st.uow, name, scope)
    render.ok(f"token #{view.id} '{view.name}' ({view.scope}); copy it now, it is not shown again:")
    typer.echo(raw)


@token_app.command("list")
def token_list(ctx: typer.Context, as_json: Json = False) -> None:
    """Your tokens: prefix, scope, last use (never the token itself)."""
    st = state(ctx)
    tokens = auth.list_tokens(st.actor, st.uow)
    if as_json:
        render.emit_json(tokens)
        return
    render.table(
        None,
        ["id", "name", "scope", "prefix", "created", "last used", "revoked"],
        [
            (t.id, t.name, t.scope, f"{t.prefix}…", render.when(t.created_at),
             render.when(t.last_used_at), render.when(t.revoked_at))
            for t in tokens
        ],
    )  # fmt: skip


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context, token_id: Annotated[int, typer.Argument(help="The id `token list` shows.")]
) -> None:
    """Revoke a token: it stops working at once."""
    st = state(ctx)
    view = auth.revoke_token(st.actor, st.uow, token_id)
    render.ok(f"revoked token #{view.id} '{view.name}'")


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL (default: the global --db).")
    ] = None,
    with_demo: Annotated[
        bool, typer.Option("--demo", help="Load demo data into a fresh database first.")
    ] = False,
) -> None:
    """Run the web server (REST API at /api/v1, docs at /docs) on the --db database."""
    import uvicorn  # only the server needs it loaded

    from goodwill.web.app import Settings, create_app, settle_heap

    st = state(ctx)
    if db is not None:
        st.db_url = db
    if with_demo:
        try:
            demo.build_demo(st.actor, st.uow)
        except Conflict:
            raise Conflict("--demo needs an empty database; this one holds contacts") from None
    # The URL too: the duplicate scan the pages start runs in a process of its own.
    app = create_app(Settings(uow=st.uow, database_url=st.db_url))
    settle_heap()
    console.print(f"goodwill on http://{host}:{port}/ (API docs at /docs)")
    uvicorn.run(app, host=host, port=port, log_level="info")
