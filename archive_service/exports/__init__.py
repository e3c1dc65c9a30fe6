"""Exports: records leaving Arsip in standard forms other systems read.

Two forms live here:

- ``dublin_core``: a record as simple Dublin Core (the OAI ``oai_dc`` profile), the lowest common denominator
  that catalogues, harvesters (OAI-PMH) and the national archives' systems all understand;
- ``bagit_package``: a BagIt transfer package (*paket penyerahan arsip statis*), the handover of permanent
  records with their files, metadata, audit history and fixity manifests to the national or regional archives.

Why these modules take plain data (dicts, dataclasses, stream openers) and never touch the database, the blob
store or Flask: *what* may be exported, and to whom, is a decision of the services (permissions, security class,
KIP category, retention state). Keeping that decision out of here means an export can only ever contain what a
service deliberately handed over, and the formats can be tested without a running system.
"""
