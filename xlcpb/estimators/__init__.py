"""Layer 3, estimators: realistic inference and budgeting, composed from engine + data.

- :mod:`.content_cost`  one Cost-Per-Byte estimate, every step kept
- :mod:`.case_studies`  the paper's section 6, recomputed beside its printed figures
"""
