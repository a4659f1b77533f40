"""Platform adapters: each turns its platform's updates into :class:`~marketbot.messages.Inbound`
and renders the core's :class:`~marketbot.messages.Outbound` replies the platform's way.

Only the modules named ``telegram*`` here may import python-telegram-bot.
"""
