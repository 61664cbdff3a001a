"""Demo data: the Digital Agenda 2015–2021 with one user per role and an open programme
(storyline), and `--scale N` programmes of the same shape for benchmarks (scale).

Deterministic (a seeded random, no clock in the generated records) and idempotent: a
programme that exists is left as it is; users are looked up by e-mail. Rows go in with
Core executemany inserts, a chunk at a time; every move gets its history row. Money is
Decimal (whole cents) from the draw to the database.
"""
