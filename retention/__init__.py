"""JRA (Jadwal Retensi Arsip) and disposition rules as pure functions and data (DESIGN.md §1).

Depends on ``schemas`` only. The retention issue fills it: schedules, due dates, the disposition paths and who
must approve them. The foundation leaves the package in place so the layering is visible from the start.
"""
