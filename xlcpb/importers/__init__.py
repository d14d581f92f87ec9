"""Layer 4 adapter: vendor price lists into the price sheet (``xlcpb import``).

One module per format; each reads a file and fills an :class:`.report.ImportReport` with
normalised rows and the reasons for every row it skips. :mod:`.run` detects the format,
validates the rows as a whole and applies them to the user's sheet atomically.
"""
