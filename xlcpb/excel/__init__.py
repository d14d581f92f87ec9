"""Layer 4 adapter support for the Excel functions (:mod:`xlcpb.udfs`).

- :mod:`.cells`  what arrives from a cell or range, turned into numbers or text, or an error
- :mod:`.calls`  one vectorised engine call per function call, errors per cell, per runtime
"""
