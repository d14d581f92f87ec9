"""The fleet budget workbook: :mod:`.layout` (where), :mod:`.styles` (how it looks),
:mod:`.sheets` and :mod:`.outputs` (what each sheet holds), :mod:`.book` (the sheets in
order, written atomically)."""
