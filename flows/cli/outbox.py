"""``tingflyt outbox ...``: what is waiting to be sent, what was sent and what failed."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from flows.cli.common import AsOpt, JsonOpt, command

app = typer.Typer(invoke_without_command=True,
                  help="Utboksen: innkallingar, endringar, avlysingar og førespurnader.")

StatusOpt = Annotated[str | None, typer.Option(
    "--status", help="Berre pending (ventar), sent, failed (feila), dropped (fall bort) eller "
    "sending.")]
MeetingOpt = Annotated[str | None, typer.Option("--meeting", help="Berre dette møtet.")]
LimitOpt = Annotated[int, typer.Option("--limit", min=1, max=100000)]


def _list(status: str | None, meeting: str | None, limit: int, actor: str | None,
          json_output: bool) -> None:
    from domain.queries.outbox import outbox_list
    from flows.output import render_outbox

    with command(json_output) as s:
        s.emit(s.read_rows(outbox_list, actor_id=actor, status=status, meeting=meeting,
                           limit=limit), render_outbox)


@app.callback()
def outbox_main(ctx: typer.Context, status: StatusOpt = None, meeting: MeetingOpt = None,
                limit: LimitOpt = 200, actor: AsOpt = None,
                json_output: JsonOpt = False) -> None:
    """Utboksen (utan underkommando: lista, som `outbox list`)."""
    if ctx.invoked_subcommand is None:
        _list(status, meeting, limit, actor, json_output)


@app.command("list")
def outbox_list_command(status: StatusOpt = None, meeting: MeetingOpt = None,
                        limit: LimitOpt = 200, actor: AsOpt = None,
                        json_output: JsonOpt = False) -> None:
    """List meldingane: ventande, sende og feila, med mottakar og emne."""
    _list(status, meeting, limit, actor, json_output)


@app.command("show")
def outbox_show(
    message_id: Annotated[int, typer.Argument(help="Id frå `tingflyt outbox`.", min=1)],
    raw: Annotated[bool, typer.Option("--raw", help="Heile e-posten slik han vert send "
                                      "(MIME, med kalenderinvitasjonen).")] = False,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Vis ei melding slik mottakaren ser henne: emne, tekst og kalenderinvitasjon."""
    from domain.queries.outbox import message_view, outbox_message
    from flows.output import render_outbox_message
    from notifications.messages import render
    from notifications.mime import as_bytes, compose

    def shown(uow: Any) -> dict[str, Any]:
        row = outbox_message(uow, message_id, actor_id=actor)
        composed = render(uow, row, stamp=uow.now)
        view = message_view(uow, row)
        view.update({"from": f"{composed.from_name} <{composed.from_address}>",
                     "message_id": composed.message_id, "text": composed.text,
                     "calendar_method": composed.calendar_method,
                     "calendar": composed.calendar.decode("utf-8") if composed.calendar
                     else None,
                     "attachments": [a.filename for a in composed.attachments]})
        if raw:
            view["raw"] = as_bytes(compose(composed)).decode("utf-8", "replace")
        return view

    with command(json_output) as s:
        s.emit(s.read(shown), render_outbox_message)


@app.command("retry")
def outbox_retry(
    message_ids: Annotated[list[int] | None, typer.Argument(
        help="Id-ane som skal prøvast på nytt; utan id: alle som har feila.")] = None,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Prøv feila meldingar på nytt (etter at adressa eller tenaren er retta), og send no."""
    from flows.app import deliver
    from flows.output import render_dispatch
    from notifications.dispatch import retry_failed

    with command(json_output) as s:
        again = retry_failed(s.engine, s.clock, actor_id=actor, ids=message_ids or None)
        s.emit({"retried": again, **deliver(s.engine, s.clock)}, render_dispatch)


@app.command("send")
def outbox_send(actor: AsOpt = None, json_output: JsonOpt = False) -> None:
    """Send det som ventar no (det gjer tenesta elles kvart minutt)."""
    from domain.queries.outbox import require_secretariat
    from flows.app import deliver
    from flows.output import render_dispatch

    with command(json_output) as s:
        s.read(require_secretariat, actor)
        s.emit({"retried": 0, **deliver(s.engine, s.clock)}, render_dispatch)
