"""A fuzz harness of the project's own: every format the tool reads, mutated, through every command.

Seeds are valid files made as an office has them (``corpus``); each case is one seed
mutated by a seeded generator (``mutations``: bytes flipped, cut, repeated; and structure
changed: a GeoJSON value replaced, a Shapefile part cut short, a GeoPackage table dropped,
a table's header doubled); ``oracle`` runs it through every command and holds each run to
the rules: no traceback, no "unexpected error", no hang, no crash, no feature silently lost,
no figure that is not finite, no existing output changed and no temporary file left after
a failure, and every refusal naming the file.

CI runs a short fixed-seed run (``tests/test_fuzz.py``). For a long run, from the checkout::

    python -m tests.fuzz --minutes 60 --run 1

which prints the counts and every failing case (its seed and mutation, to replay with
``--case RUN:INDEX``).
"""
