"""spinewise: rule-based triage of lower-back pain from hip thrusts.

Kept import-light on purpose: `spinewise --version` must not load experta or jinja2.
"""

__version__ = "0.1.0"
