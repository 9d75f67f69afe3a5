"""The web questionnaire behind `spinewise serve`: one question per page, then the report.

A Flask app that keeps no answers: the answers so far travel in each form, signed, and
every page is rendered from the same rule base, flow and report model as the terminal.
"""

from spinewise.web.app import create_app

__all__ = ["create_app"]
