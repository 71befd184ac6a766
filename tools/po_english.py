"""Fill the English catalog: English msgstr = msgid, so the wording can be edited without code."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def fill(path: Path) -> int:
    """Copy each msgid into its empty msgstr; returns how many were filled."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string):
                message.string = (message.id[0], message.id[1])
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
        if message.fuzzy:
            message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=99, omit_header=False)
    return filled


if __name__ == "__main__":
    print(f"{fill(Path(sys.argv[1]))} English messages filled")
