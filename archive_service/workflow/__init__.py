"""The SOP "Pengolahan Informasi Publik" as data: steps, transitions, guards (DOMAIN.md §5–6, machine A)."""
