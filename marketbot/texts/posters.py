"""Strings of QR codes and printed posters, and of the chat steps that hand them out.

Posters print both languages at once (Chinese first, English under it), so
:mod:`marketbot.printouts.posters` reads the (zh, en) pairs directly; chat strings go through ``t``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # printed on posters
    "poster.vendor": ("摊主：{vendor}", "Vendor: {vendor}"),
    "poster.phone": ("电话：{phone}", "Phone: {phone}"),
    "poster.goods": ("商品", "Goods"),
    "poster.price": ("价格", "Price"),
    "poster.more_goods": ("还有 {count} 种商品，扫码查看全部", "{count} more: scan to see all"),
    "poster.no_goods": ("商品请扫码查看", "Scan to see the goods"),
    "poster.scan_stall": (
        "手机扫一扫，查看本摊的商品和价格",
        "Scan with your phone to see this stall's goods and prices",
    ),
    "poster.place": ("地点", "Place"),
    "poster.hours": ("时间", "Hours"),
    "poster.next_days": ("下次赶集", "Next market days"),
    "poster.rule": ("集日", "Market days"),
    "poster.scan_market": (
        "手机扫一扫，查看集市上的摊位和商品",
        "Scan with your phone to see the market's stalls and goods",
    ),
    # chat: handing out codes and posters
    "poster.button_my_qr": ("我的二维码", "My QR code"),
    "poster.button_poster": ("打印海报", "Printable poster"),
    "poster.button_all_posters": ("🗂 全部摊位海报", "🗂 Posters of all stalls"),
    "poster.market_ready": (
        "<b>{name}</b> 的海报（A4，PDF）：集日照公告栏的写法印着，日期过了也不会错。贴在集市入口。",
        "The poster of <b>{name}</b> (A4, PDF): the market days as the notice board writes "
        "them, right even when the dates below have passed. Put it up at the entrance.",
    ),
    "poster.qr_ready": (
        "<b>{name}</b> 的二维码：打印出来放在摊位上，和收款码放在一起。顾客扫码就能打开你的摊位。",
        "The QR code of <b>{name}</b>: print it and put it on your stall next to the payment "
        "code. Scanning it opens your stall.",
    ),
    "poster.poster_ready": (
        "<b>{name}</b> 的海报（A4 PDF），可直接打印。",
        "The poster of <b>{name}</b> (A4 PDF), ready to print.",
    ),
    "poster.all_ready": (
        "全部 {count} 个摊位的海报（A4 PDF，每个摊位一页）。",
        "Posters of all {count} stalls (A4 PDF, one page per stall).",
    ),
    "poster.no_stalls": (
        "还没有摊位，无法生成海报。",
        "There are no stalls to make posters of yet.",
    ),
}
