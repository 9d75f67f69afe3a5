"""The library calls behind every command: load a rule base once, assess, check, batch."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

from spinewise.answers import parse_answers_json
from spinewise.engine import load_triage  # noqa: F401  (re-exported: the engine every command runs)
from spinewise.errors import AnswersError, SpinewiseError


def refuse_broken_rules(rules_dir=None) -> None:
    """Raise (BrokenRules, RuleBaseError) when `rules check` finds errors: such a rule base gives no advice."""
    from spinewise.review.verdict import refuse_broken_rules as refuse

    refuse(rules_dir)


def load_rulebase(rules_dir=None):
    """The rule base alone, without compiling the engine (for the vocabulary forms)."""
    from spinewise.rulebase import load_rulebase_cached

    return load_rulebase_cached(rules_dir)


def read_answers(source: str, rules_dir=None, include_draft: bool = False) -> dict:
    """Answers from a JSON file path, or from standard input when `source` is '-'.

    The JSON is an answers object or a FHIR QuestionnaireResponse (told apart by `resourceType`).
    """
    return read_input(source, rules_dir, include_draft)[0]


def read_input(source: str, rules_dir=None, include_draft: bool = False) -> tuple[dict, dict | None]:
    """(answers, the FHIR QuestionnaireResponse they came from or None), read as `read_answers` does."""
    if source == "-":
        data = sys.stdin.buffer.read()
        name = "standard input"
    else:
        try:
            data = Path(source).read_bytes()
        except FileNotFoundError:
            raise AnswersError(f"answers file {source!r} does not exist") from None
        except IsADirectoryError:
            raise AnswersError(f"answers file {source!r} is a folder, not a JSON file") from None
        except OSError as exc:
            raise AnswersError(f"cannot read answers file {source!r}: {exc.strerror}") from None
        name = source
    answers = parse_answers_json(data, name)
    if "resourceType" in answers:  # a FHIR QuestionnaireResponse (imported only then: start-up stays fast)
        from spinewise.fhir.response import answers_from_response

        triage = load_triage(rules_dir, include_draft)
        return answers_from_response(triage.rulebase, answers, name, triage), answers
    return answers, None


def assess(answers: dict, rules_dir=None, include_draft: bool = False):
    """The Result for one answers object; raises AnswersError for invalid answers."""
    return load_triage(rules_dir, include_draft).assess(answers)


def result_json(result) -> str:
    from spinewise.i18n import language

    return json.dumps({**result.to_json(), "language": language()}, indent=2, ensure_ascii=False) + "\n"


def fhir_json(result, rules_dir=None, include_draft: bool = False, response: dict | None = None) -> str:
    """The result as a FHIR `collection` Bundle (QuestionnaireResponse, ClinicalImpression, CarePlan).

    `response`: the QuestionnaireResponse the answers came from, kept in the Bundle as given.
    """
    from spinewise.fhir.bundle import result_bundle
    from spinewise.report.dates import report_date

    bundle = result_bundle(result, load_triage(rules_dir, include_draft).rulebase, report_date(), response=response)
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"


def vocabulary_form(fmt: str, rules_dir=None) -> str:
    """The question vocabulary as `fhir` (the Questionnaire), `fhir-bundle` (it and its CodeSystems),
    `fhir-package` (those and the StructureDefinitions of spinewise's extensions) or `json-schema`."""
    rulebase = load_rulebase(rules_dir)
    if fmt.startswith("fhir"):
        data = _translated_resource(rulebase, fmt, rules_dir)
    elif fmt == "checkin-json-schema":
        from spinewise.checkin.view import checkin_view
        from spinewise.schema import checkin_answers_schema

        data = checkin_answers_schema(checkin_view(rulebase))
    else:
        from spinewise.schema import answers_schema

        data = answers_schema(rulebase)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render(result, fmt: str, rules_dir=None, include_draft: bool = False, *, width: int = 80,
           colour: bool = False, response: dict | None = None, journal=None, day=None) -> str | bytes:
    """The report for `result` in `fmt` (text, markdown, html, json, fhir, or pdf as bytes).

    `width` and `colour` shape the text format for a terminal; `response` is the FHIR
    QuestionnaireResponse the answers came from, if any (the fhir format keeps it). With
    `journal` (a journal this assessment starts), the report says when to check in. `day`: the day
    the report describes (--date; a journal's entry day wins), else today.
    """
    if fmt == "json":
        return result_json(result)
    if fmt == "fhir":
        return fhir_json(result, rules_dir, include_draft, response)
    from spinewise.report.render import render_pdf, render_report

    rulebase = load_triage(rules_dir, include_draft).rulebase
    checkin = None
    if journal is not None:
        from spinewise.journal import parse_date
        from spinewise.report.checkin import first_entry_view

        # The report describes the journal entry's day (--date): its dates, tracker and deadlines count from it.
        day = parse_date(journal.last["date"])
        checkin = first_entry_view(journal, rulebase, result.disposition, day)
    if fmt == "pdf":
        return render_pdf(render_report(result, rulebase, "html", checkin=checkin, today=day))
    return render_report(result, rulebase, fmt, width=width, colour=colour, checkin=checkin, today=day)


def _translated_resource(rulebase, fmt: str, rules_dir=None) -> dict:
    """The FHIR form in the language in use, carrying every other offered language's texts."""
    from spinewise.fhir import vocabulary_resource
    from spinewise.fhir.translation import with_translations
    from spinewise.i18n import language, using
    from spinewise.i18n.catalogues import offered
    from spinewise.rulebase import rules_folder
    from spinewise.rulebase.words import in_language

    lang = language()
    primary = vocabulary_resource(in_language(rulebase), fmt)
    others = {}
    for other in offered(rules_folder(rules_dir)):
        if other != lang:
            with using(other):
                others[other] = vocabulary_resource(in_language(rulebase), fmt)
    return with_translations(primary, lang, others)


def run_batch_files(input_path: str, output_path: str, rules_dir=None, include_draft: bool = False,
                    jobs: int | None = None, progress=None, fmt: str = "json"):
    """Stream `input_path` (or '-') through the engine into `output_path` (or '-').

    Each output line is a result in `fmt`: `json` (the contract's result) or `fhir` (a Bundle).
    `jobs` worker processes (default: the cores available; one when typing at a terminal);
    `progress(n)` is called with the input bytes behind each batch of results written.
    """
    from spinewise import batch

    triage = load_triage(rules_dir, include_draft)  # a broken rule base stops the run before any output
    if input_path == "-" and sys.stdin.isatty():
        jobs = 1
    jobs = jobs or batch.available_cores()
    source = _open_input(input_path)
    try:
        with _batch_writer(output_path) as write:
            lines = batch.read_lines(source)
            if jobs == 1:
                return batch.run_batch(lines, write, triage, progress, fmt)
            return batch.run_batch_parallel(lines, write, jobs, rules_dir, include_draft, progress, fmt)
    finally:
        if source is not sys.stdin.buffer:
            source.close()


@contextlib.contextmanager
def _batch_writer(output_path: str):
    from spinewise.output import open_private_stream

    if output_path == "-":
        yield _line_writer(sys.stdout)
        return
    with open_private_stream(output_path) as sink:
        yield _line_writer(sink)


def _open_input(path: str):
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise AnswersError(f"input file {path!r} does not exist") from None
    except OSError as exc:
        raise AnswersError(f"cannot read input file {path!r}: {exc.strerror}") from None


def _line_writer(sink):
    def write(line: str) -> None:
        sink.write(line)
        sink.flush()

    return write



# -- the journal and the weekly check-in (version 3) ----------------------------------------

def checkin_day(date_text: str | None):
    """The day a check-in describes: --date YYYY-MM-DD, else today (or SOURCE_DATE_EPOCH's day)."""
    from spinewise.i18n import day_in_words, gettext
    from spinewise.journal import parse_date
    from spinewise.report.dates import report_day

    if date_text is None:
        return report_day()
    day = parse_date(date_text)
    if day is None:
        raise AnswersError(f"--date {date_text!r} is not a date; give it as YYYY-MM-DD, e.g. --date 2026-12-01")
    today = report_day()
    if day > today:
        raise AnswersError(gettext("--date %(date)s is after today (%(today)s); an entry records a day that has "
                                   "happened: give today or an earlier day") % {"date": date_text,
                                                                                 "today": day_in_words(today)})
    return day


def start_journal_entry(journal_file, result, day):
    """Add an assessment to the journal (a new journal when there is none); returns the journal."""
    from spinewise.journal import append_entry, new_entry, read_journal

    journal = read_journal(journal_file, missing_ok=True)
    last = journal.last
    if last is not None and day.isoformat() < last["date"]:
        raise AnswersError(f"the date {day.isoformat()} is before the last entry in the journal ({last['date']}); "
                           f"an assessment is added on {last['date']} or later")
    append_entry(journal, new_entry("assessment", day, dict(result.answers), result.to_json()))
    return journal


def read_checkin_journal(journal_file):
    from spinewise.journal import read_journal

    return read_journal(journal_file)


def checkin_day_and_journal(date_text: str | None, journal_file):
    """The check-in's day and the journal, or one error naming every problem with them (a day after
    today and a missing journal are both said, so one correction is enough)."""
    problems, day, journal = [], None, None
    try:
        day = checkin_day(date_text)
    except SpinewiseError as exc:
        problems.append(str(exc))
    try:
        journal = read_checkin_journal(journal_file)
    except SpinewiseError as exc:
        problems.append(str(exc))
    if problems:
        from spinewise.i18n import gettext

        # Translators: joins two problems with the check-in's day and journal into one error line
        raise AnswersError(gettext("%(first)s; and %(second)s") % {"first": problems[0], "second": problems[1]}
                           if len(problems) == 2 else problems[0])
    return day, journal


def checkin_answers(answers: dict, source: str, rules_dir=None) -> dict:
    """Check-in answers as given, or read from a QuestionnaireResponse to the check-in Questionnaire
    (`questions --format fhir-checkin`); its "From your journal" values are dropped: the journal decides."""
    if "resourceType" not in answers:
        return answers
    from spinewise.fhir.checkin import checkin_form_view
    from spinewise.fhir.response import answers_from_response

    form = checkin_form_view(load_rulebase(rules_dir))
    read = answers_from_response(form, answers, "standard input" if source == "-" else source)
    return {qid: value for qid, value in read.items() if qid not in form.journal_items}


def checkin_refusal(journal, day, rules_dir=None, include_draft: bool = False) -> str | None:
    """Why no check-in can be added on `day` (what to run instead), or None: asked before any question."""
    from spinewise.checkin.run import refusal
    from spinewise.checkin.view import checkin_triage

    return refusal(checkin_triage(rules_dir, include_draft).rulebase, journal, day)


def checkin(journal, answers: dict, day, rules_dir=None, include_draft: bool = False, write: bool = True):
    """Run one check-in against `journal` and (when `write`) append it; returns the CheckinOutcome."""
    from spinewise.checkin.run import run_checkin
    from spinewise.checkin.view import checkin_triage
    from spinewise.journal import append_entry

    outcome = run_checkin(checkin_triage(rules_dir, include_draft), journal, answers, day)
    if write:
        append_entry(journal, outcome.entry)
    return outcome


def save_checkin(journal, outcome) -> None:
    from spinewise.journal import append_entry

    append_entry(journal, outcome.entry)


def render_checkin(outcome, journal, fmt: str, rules_dir=None, include_draft: bool = False, *, width: int = 80,
                   colour: bool = False, pending=None, web: bool = False) -> str | bytes:
    """The check-in report in `fmt` (text, markdown, html, json, fhir, or pdf as bytes).

    `pending`: the check-in's entry when it is not in the journal yet (the chart includes it).
    `web`: the report is a page of the web check-in, so it names no command to type."""
    if pending is not None:
        from spinewise.journal import Journal

        journal = Journal(journal.path, journal.entries + [pending])
    if fmt == "json":
        return result_json(outcome.result)
    from spinewise.checkin.view import checkin_triage
    from spinewise.report.checkin import render_checkin_report

    view = checkin_triage(rules_dir, include_draft).rulebase
    if fmt == "fhir":
        from spinewise.fhir.bundle import result_bundle

        bundle = result_bundle(outcome.result, view, outcome.result.checkin["date"])
        return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    if fmt == "pdf":
        from spinewise.report.render import render_pdf

        return render_pdf(render_checkin_report(outcome, journal, view, "html"))
    return render_checkin_report(outcome, journal, view, fmt, width=width, colour=colour, web=web)


def show_journal(journal_file, fmt: str, rules_dir=None, include_draft: bool = False, *, width: int = 80,
                 colour: bool = False) -> str:
    """The journal's history in `fmt` (text, markdown, html, json or fhir)."""
    from spinewise.journal import read_journal

    journal = read_journal(journal_file)
    if fmt == "json":
        return json.dumps(journal.to_json(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "fhir":
        from spinewise.fhir.journal import journal_bundle

        return json.dumps(journal_bundle(journal, load_triage(rules_dir, include_draft).rulebase), indent=2,
                          ensure_ascii=False) + "\n"
    from spinewise.report.checkin import render_journal

    return render_journal(journal, load_triage(rules_dir, include_draft).rulebase, fmt, width=width)
