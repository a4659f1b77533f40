"""The market on the web: a page per market and per stall, the chat's product search and a
calendar feed, served by the one web app when ``[web] public_url`` is set. See
:mod:`marketbot.platforms.web.pages.site`."""

from marketbot.platforms.web.pages.links import LINK_RANK, PLATFORM, WebLinks
from marketbot.platforms.web.pages.site import WebPages

__all__ = ["LINK_RANK", "PLATFORM", "WebLinks", "WebPages"]
