"""Run the command line: `python -m marketbot`."""

from marketbot.cli import main

raise SystemExit(main())
