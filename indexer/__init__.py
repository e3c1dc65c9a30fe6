"""Files → text → index. Knows nothing of Flask or the database (DESIGN.md §1).

This first slice holds MIME sniffing; extraction, the Indonesian analyser and the search engines follow.
"""
