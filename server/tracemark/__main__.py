"""``python -m tracemark`` is the command line."""

from tracemark.cli import main

raise SystemExit(main())
