"""Reports: the SOP's outputs and the disposition minutes, generated from the data (issue 8).

Layering: ``model`` (what a document is: sections, tables, signatures; no I/O), ``period`` (parsing the period a
report covers), ``registry`` (every report by name, its parameters, formats and permission), the builders
(``sop_*``, ``retention_docs``, ``monev``: queries → ``Document``) and the renderers (``render_pdf``,
``render_tabular``). The API, the CLI and the staff pages only look a report up in the registry and render it.
"""
