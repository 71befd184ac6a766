"""`python -m bot` is the `orderdesk` command."""

import sys

from bot.cli import main

sys.exit(main())
