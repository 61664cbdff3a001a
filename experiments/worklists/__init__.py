"""What each role's home page lists: read-only queries, one SQL statement per list.

Each module returns small dataclasses for one role; the views only choose whose home to draw.
"""
