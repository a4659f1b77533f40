"""QR codes and posters in chat: a vendor's own stall code and poster, and for secretaries any
stall's code, the market's code and poster, and all stalls' posters as one PDF.

Buttons only (from "my stall" and "secretary tools"). Files arrive as a photo (PNG) or a
document (PDF); the codes open the best link the configured platforms make.
"""

from __future__ import annotations

from handlers.answers import id_in
from handlers.cards import current_market
from handlers.my_stall import no_stall, own_stall
from marketbot.chat.context import Ctx
from marketbot.chat.dispatch import Handler
from marketbot.neutral import Attachment, Reply
from marketbot.printouts.printing import NoLink, NotFound, Printer
from marketbot.storage.schedules import ScheduleStore
from marketbot.texts import esc

__all__ = ["register_choices"]


def _printer(ctx: Ctx) -> Printer:
    return Printer(ctx.store, ctx.services.links)


def _no_link(ctx: Ctx) -> list[Reply]:
    return [Reply(ctx.t("print.no_link"))]


def _file(ctx: Ctx, text: str, name: str, data: bytes, kind: str) -> Reply:
    """The file as a photo or a document, where the platform takes files; else how to get it
    (a poster or a QR code: its download link on the market's web pages, ``/poster/<name>``)."""
    if not ctx.caps.documents:
        public = ctx.services.config.web.public_url.rstrip("/")
        if public:
            key = "print.poster_link" if kind == "document" else "print.qr_link"
            return Reply(ctx.t(key, url=esc(f"{public}/poster/{name}")))
        what = ctx.t("print.what.document" if kind == "document" else "print.what.photo")
        return Reply(ctx.t("print.no_files", what=what, file=esc(name)))
    return Reply(
        text, attachment=Attachment(name, data, "photo" if kind == "photo" else "document")
    )


async def _stall_file(ctx: Ctx, stall_id: int, *, poster: bool) -> list[Reply]:
    """The stall's QR code (PNG, sent as a photo) or its poster (PDF, sent as a document)."""
    printer = _printer(ctx)
    try:
        make = printer.stall_poster if poster else printer.stall_qr
        stall, data = await make(stall_id)
    except NotFound:
        return [Reply(ctx.t("stale"))]
    except NoLink:
        return _no_link(ctx)
    key, suffix = ("poster.poster_ready", "pdf") if poster else ("poster.qr_ready", "png")
    text = ctx.t(key, name=esc(stall.name))
    kind = "document" if poster else "photo"
    return [_file(ctx, text, f"stall_{stall.id}.{suffix}", data, kind)]


async def _own_file(ctx: Ctx, *, poster: bool) -> list[Reply]:
    """The vendor's own QR code or poster; none for a rejected or suspended stall."""
    stall = await own_stall(ctx)
    refusal = no_stall(ctx, stall)
    if refusal is not None or stall is None:
        return refusal or []
    return await _stall_file(ctx, stall.id, poster=poster)


async def my_qr(ctx: Ctx, _arg: str) -> list[Reply]:
    return await _own_file(ctx, poster=False)


async def my_poster(ctx: Ctx, _arg: str) -> list[Reply]:
    return await _own_file(ctx, poster=True)


async def stall_qr(ctx: Ctx, arg: str) -> list[Reply]:
    if not ctx.is_secretary:
        return [Reply(ctx.t("sec.only"))]
    stall_id = id_in(arg)
    if stall_id is None:
        return [Reply(ctx.t("stale"))]
    return await _stall_file(ctx, stall_id, poster=False)


async def all_posters(ctx: Ctx, _arg: str) -> list[Reply]:
    if not ctx.is_secretary:
        return [Reply(ctx.t("sec.only"))]
    try:
        count, pdf = await _printer(ctx).all_posters()
    except NoLink:
        return _no_link(ctx)
    except ValueError:
        return [Reply(ctx.t("poster.no_stalls"))]
    return [_file(ctx, ctx.t("poster.all_ready", count=count), "stalls.pdf", pdf, "document")]


async def market_qr(ctx: Ctx, _arg: str) -> list[Reply]:
    if not ctx.is_secretary:
        return [Reply(ctx.t("sec.only"))]
    current = await current_market(ctx)
    if current is None:
        return [Reply(ctx.t("market.none"))]
    try:
        market, png = await _printer(ctx).market_qr(current.id)
    except NoLink:
        return _no_link(ctx)
    text = ctx.t("poster.qr_ready", name=esc(market.name))
    return [_file(ctx, text, f"market_{market.id}.png", png, "photo")]


async def market_poster(ctx: Ctx, _arg: str) -> list[Reply]:
    """The market's entrance poster (PDF): the days as the notice board writes them (逢三六九),
    the next dates, the hours and the code."""
    if not ctx.is_secretary:
        return [Reply(ctx.t("sec.only"))]
    current = await current_market(ctx)
    if current is None:
        return [Reply(ctx.t("market.none"))]
    schedules = ScheduleStore(ctx.store.db)
    try:
        market, pdf = await _printer(ctx).market_poster(
            current.id, schedules, ctx.services.clock.now()
        )
    except NoLink:
        return _no_link(ctx)
    text = ctx.t("poster.market_ready", name=esc(market.name))
    return [_file(ctx, text, f"market_{market.id}.pdf", pdf, "document")]


def register_choices() -> list[tuple[str, Handler]]:
    return [
        ("sec:mposter", market_poster),
        ("my:qr", my_qr),
        ("my:poster", my_poster),
        ("sec:qr", stall_qr),
        ("sec:posters", all_posters),
        ("sec:mqr", market_qr),
    ]
