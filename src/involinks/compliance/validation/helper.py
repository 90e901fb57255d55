"""A validation helper process (started by ``pool.py``): reads documents from stdin, writes
each one's pickled ``ValidationResult`` to stdout, and exits at end of input."""

from __future__ import annotations

import os
import pickle
import sys

from involinks.compliance.validation.engine import validate_ubl, warm_up
from involinks.compliance.validation.pool import read_frame, write_frame


def main() -> None:
    # The protocol gets its own copy of stdout; anything else printed there (a library's
    # warning) goes to stderr instead of into a reply.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    requests = sys.stdin.buffer
    warm_up()
    while (document := read_frame(requests)) is not None:
        if not document:
            write_frame(replies, b"")  # ping
            continue
        write_frame(replies, pickle.dumps(validate_ubl(document), pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # Ctrl-C in a terminal reaches the whole process group
        pass
