"""OAI-PMH 2.0 (issue 8): the public catalogue for harvesters, ``oai_dc`` only, with persistent deletions.

``protocol`` checks requests and signs resumption tokens, ``repository`` keeps ``oai_items`` in step with the
records and answers the queries, ``views`` is the Flask blueprint at ``/oai``. See docs/interoperability.md.
"""
