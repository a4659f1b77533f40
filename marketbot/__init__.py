"""marketbot: a chatbot for periodic village markets (赶集)."""

__version__ = "0.1.0"
