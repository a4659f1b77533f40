"""The chat core: one inbound message to replies, routing, and what a handler gets."""
