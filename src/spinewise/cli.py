"""The `spinewise` command: thin Click shells over library calls in spinewise.api and,
for the clinician tools, the review module named after each command (review/check.py, ...).

Heavy modules (experta, jinja2, the rule loader) are imported inside the commands so
that `spinewise --version` and `--help` start as fast as Click itself.
"""

from __future__ import annotations

import functools
import sys

import click

from spinewise import __version__
from spinewise.cli_language import lang_option
from spinewise.errors import RuleBaseError, SpinewiseError

FORMATS = ("text", "markdown", "html", "json", "pdf", "fhir")
EXTENSION_FORMATS = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html",
                     ".htm": "html", ".json": "json", ".pdf": "pdf"}


class UserError(click.ClickException):
    """Bad input from the user: one message on stderr, exit status 2; on a terminal it wraps at the
    terminal's width (a pipe or a log gets it as one line)."""

    exit_code = 2

    def show(self, file=None) -> None:
        width = terminal_width()
        if width is None:
            return super().show(file)
        click.echo(wrapped_error(self.format_message(), width), file=file or click.get_text_stream("stderr"))


def wrapped_error(message: str, width: int) -> str:
    """An error as a terminal of `width` columns shows it: wrapped, a date kept with its month."""
    import re
    import textwrap

    # "2 November 2026", "9 de noviembre de 2026": the day never ends a line without its month
    glued = re.sub(r"\b(\d{1,2}) (de )?([^\W\d_]+)(?= (?:de )?\d{4})",
                   lambda m: m[1] + "\u00a0" + ("de\u00a0" if m[2] else "") + m[3], message)
    text = textwrap.fill(f"Error: {glued}", width=max(width, 20), subsequent_indent="  ",
                         break_long_words=False, break_on_hyphens=False)
    return text.replace("\u00a0", " ")


def user_errors(command):
    """The one boundary where library errors become CLI errors."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except RuleBaseError as exc:  # one line: the first problem, and where to see them all
            more = f" and {len(exc.problems) - 1} more" if len(exc.problems) > 1 else ""
            raise UserError(f"the rule base is broken: {exc.problems[0]}{more}; "
                            "spinewise rules check lists every problem") from None
        except SpinewiseError as exc:
            raise UserError(str(exc)) from None

    return wrapper


def a_folder(ctx, param, value):
    """A rule-base folder that exists: a missing one is one line saying so, not a 'broken rule base'."""
    import os

    name = "--rules: " if param.name == "rules_dir" else ""
    for folder in value if isinstance(value, tuple) else [value]:
        if folder is None:
            continue
        if not os.path.exists(folder):
            raise UserError(f"{name}there is no folder {folder!r}; give the folder that holds rulebase.yaml")
        if not os.path.isdir(folder):
            raise UserError(f"{name}{folder!r} is a file; give the folder that holds rulebase.yaml")
    return value


def a_file_to_write(ctx, param, value):  # noqa: ARG001 - Click's callback signature
    """A file path to write: a folder is refused in one line (Click's own check prints its usage too)."""
    import os

    if value and value != "-" and os.path.isdir(value):
        raise UserError(f"{param.opts[0]}: {value!r} is a folder; give a file name in it, "
                        f"like {os.path.join(value, _example_name(param))}")
    return value


def a_file_to_read(ctx, param, value):
    """An input file: a folder is refused in one line."""
    import os

    if value and value != "-" and os.path.isdir(value):
        raise UserError(f"{param.human_readable_name}: {value!r} is a folder; give the file itself")
    return value


def _example_name(param) -> str:
    command = click.get_current_context().info_name
    if param.name == "output":
        return {"assess": "report.html", "doc": "rulebook.html"}.get(command, "results.jsonl")
    return "answers.json"


_rules_dir_option = click.option(
    "--rules", "rules_dir", type=click.Path(), default=None, metavar="DIR", callback=a_folder,
    help="Rule-base folder to use (default: the rule base shipped with spinewise).",
)


def _use_trust_file(ctx, param, value):  # noqa: ARG001 - Click's callback signature
    """--trust FILE: put in SPINEWISE_TRUST, where every part of the run (batch's workers too) reads it."""
    import os

    if value is not None:
        if not os.path.isfile(value):
            raise UserError(f"--trust: there is no file {value!r}; give the clinic's trust file (a YAML `people:` list)")
        os.environ["SPINEWISE_TRUST"] = os.path.abspath(value)
    return value


_trust_option = click.option(
    "--trust", type=click.Path(dir_okay=False), default=None, metavar="FILE", expose_value=False,
    callback=_use_trust_file, is_eager=True,
    help="The clinic's trust file: whose sign-offs and approval count (default: SPINEWISE_TRUST, else "
         "$XDG_CONFIG_HOME/spinewise/trust.yaml).",
)


def rules_option(command):
    """--rules DIR, and --trust FILE, which decides whose signatures on those rules count."""
    return _rules_dir_option(_trust_option(command))
draft_option = click.option(
    "--include-draft", is_flag=True,
    help="Also run rules whose status is draft; the result is marked as produced with unapproved rules.",
)



@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="spinewise")
def main():
    """Triage lower-back pain from hip thrusts with a clinician-editable rule base.

    \b
    Example:
        spinewise assess --answers answers.json --format json
    """
    from spinewise import i18n

    i18n.set_language(i18n.SOURCE)  # each command that prints for a person chooses its own (--lang)


@main.command(short_help="Assess one lifter: ask the questions, or read --answers.")
@click.option("--answers", "answers_source", metavar="FILE|-",
              help="Read answers from a JSON file ('-' for standard input) instead of asking: an answers object "
                   "or a FHIR QuestionnaireResponse, e.g. --answers response.fhir.json.")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Report format; fhir is a FHIR R4 Bundle (QuestionnaireResponse, ClinicalImpression, CarePlan), "
                   "e.g. --format fhir. Default: from the --output extension, else text on a terminal and json otherwise.")
@click.option("--output", type=click.Path(), metavar="PATH", callback=a_file_to_write,
              help="Write the report to PATH (owner-only permissions) instead of standard output; its extension "
                   "(.txt .md .html .json .pdf) picks the format unless --format is given.")
@click.option("--save-answers", type=click.Path(), metavar="FILE", callback=a_file_to_write,
              help="Also write the answers to FILE as JSON, to replay the same case later with --answers FILE.")
@click.option("--resume", is_flag=True,
              help="Continue the questionnaire you stopped earlier, from the next unanswered question.")
@click.option("--interactive", is_flag=True,
              help="Ask the questions even when standard input is not a terminal (for scripted input).")
@click.option("--journal", "journal_file", type=click.Path(), metavar="FILE", callback=a_file_to_write,
              help="Also start (or, on an existing journal, restart) your journal in FILE with this assessment, "
                   "for the weekly check-in (spinewise checkin), e.g. --journal ~/back/journal.json.")
@click.option("--date", "date_text", metavar="YYYY-MM-DD",
              help="The day the journal entry describes (default: today, or SOURCE_DATE_EPOCH's day).")
@rules_option
@draft_option
@lang_option
@user_errors
def assess(answers_source, fmt, output, save_answers, resume, interactive, journal_file, date_text, rules_dir,
           include_draft):
    """Assess one lifter: ask the questions (or read --answers) and print the report.

    \b
    Examples:
        spinewise assess
        spinewise assess --resume --save-answers me.json
        spinewise assess --answers examples/tuck_pain_on_lowering.json --format json
        cat answers.json | spinewise assess --answers - --format html --output report.html
        spinewise assess --answers answers.json --output report.pdf
        spinewise assess --answers response.fhir.json --format fhir > result.fhir.json
    """
    from spinewise import api

    fmt = _pick_format(fmt, output)
    if fmt == "pdf" and not output and sys.stdout.isatty():
        raise UserError("a PDF report cannot be shown on a terminal; write it to a file with --output report.pdf")
    api.refuse_broken_rules(rules_dir)
    # --date is checked before any question is asked, journal or not: the report is dated by it either way.
    day = api.checkin_day(date_text) if date_text or journal_file else None
    interview, response = None, None
    if answers_source is None:
        interview = _interview(resume, interactive, rules_dir, include_draft, save_answers)
        answers = interview.answers
        save_answers = interview.save_answers
    elif resume:
        raise UserError("--resume continues an unfinished questionnaire; leave out --answers to use it")
    else:
        answers, response = api.read_input(answers_source, rules_dir, include_draft)
    result = api.assess(answers, rules_dir, include_draft)
    journal = api.start_journal_entry(journal_file, result, day) if journal_file else None
    try:
        if save_answers:
            from spinewise.questionnaire import write_answers

            write_answers(save_answers, answers)
        _emit(api.render(result, fmt, rules_dir, include_draft, **_terminal_style(output), response=response,
                         journal=journal, day=day), output)
    except (UserError, SpinewiseError) as exc:
        if not interview:
            raise
        message = exc.message if isinstance(exc, UserError) else str(exc)
        raise UserError(f"{message}; your answers are kept: spinewise assess --resume with other options "
                        "gives the report without asking again") from None
    if interview:
        interview.finished()
        if output:
            click.echo(f"The report is in {output}.", err=True)


def _interview(resume, interactive, rules_dir, include_draft, save_answers):
    """Ask the questions on the terminal; Ctrl-C keeps the answers and exits with status 130."""
    if not (interactive or sys.stdin.isatty()):
        raise UserError("standard input is not a terminal, so no questions can be asked; "
                        "give the answers with --answers FILE (or --answers - to read JSON from standard input)")
    import shlex

    from spinewise import api
    from spinewise.questionnaire import Interrupted, run_questionnaire

    again = ["spinewise", "assess", "--resume"] + (["--rules", rules_dir] if rules_dir else [])
    again += ["--include-draft"] if include_draft else []
    import os

    target = os.path.abspath(save_answers) if save_answers else None
    try:
        return run_questionnaire(api.load_triage(rules_dir, include_draft), resume, shlex.join(again), target)
    except Interrupted as exc:
        click.echo(str(exc), err=True)
        sys.exit(130)


def _pick_format(fmt, output) -> str:
    if fmt:
        return fmt
    if output:
        import os

        suffix = os.path.splitext(output)[1].lower()
        if suffix and suffix not in EXTENSION_FORMATS:
            allowed = " ".join(dict.fromkeys(EXTENSION_FORMATS))
            raise UserError(f"--output {output}: no report format writes {suffix} files; end the name with one of "
                            f"{allowed}, or choose the format with --format")
        return EXTENSION_FORMATS.get(suffix, "text")
    return "text" if sys.stdout.isatty() else "json"


def _terminal_style(output) -> dict:
    """Text wraps to the terminal's width (or COLUMNS when set) and uses colour only on a terminal."""
    import os
    import shutil

    if output:
        return {}
    if not sys.stdout.isatty():
        columns = os.environ.get("COLUMNS", "")
        return {"width": int(columns)} if columns.isdigit() and int(columns) > 0 else {}
    return {"width": shutil.get_terminal_size().columns, "colour": "NO_COLOR" not in os.environ}


def terminal_width() -> int | None:
    """The width to wrap a message to on a terminal; None for a file, a pipe or a log (one line)."""
    import shutil

    return shutil.get_terminal_size().columns if sys.stderr.isatty() else None


def _emit(report: str | bytes, output) -> None:
    if output:
        from spinewise.output import write_private

        write_private(output, report)
    elif isinstance(report, bytes):
        if sys.stdout.isatty():
            raise UserError("a PDF report cannot be shown on a terminal; write it to a file with --output report.pdf")
        sys.stdout.flush()
        sys.stdout.buffer.write(report)
    else:
        click.echo(report, nl=False)


journal_option = click.option(
    "--journal", "journal_file", type=click.Path(), metavar="FILE", callback=a_file_to_write,
    help="Your journal (default: $XDG_DATA_HOME/spinewise/journal.json, i.e. ~/.local/share/spinewise/journal.json).")


@main.command(short_help="The weekly check-in against your journal.")
@journal_option
@click.option("--answers", "answers_source", metavar="FILE|-",
              help="Read this week's answers from a JSON object file ('-' for standard input) instead of asking.")
@click.option("--date", "date_text", metavar="YYYY-MM-DD",
              help="The day the check-in describes (default: today, or SOURCE_DATE_EPOCH's day).")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Report format, as for assess. Default: from the --output extension, else text on a terminal "
                   "and json otherwise.")
@click.option("--output", type=click.Path(), metavar="PATH", callback=a_file_to_write,
              help="Write the report to PATH (owner-only permissions) instead of standard output.")
@click.option("--resume", is_flag=True, help="Continue the check-in you stopped earlier.")
@click.option("--interactive", is_flag=True,
              help="Ask the questions even when standard input is not a terminal (for scripted input).")
@rules_option
@draft_option
@lang_option
@user_errors
def checkin(journal_file, answers_source, date_text, fmt, output, resume, interactive, rules_dir, include_draft):
    """The weekly check-in: a few questions about this week, checked against your journal.

    It says whether the week counted, what changed in your doses and why, how your pain
    has moved since the first assessment, and when to check in next. Refused (exit 2,
    journal unchanged) when the last entry allows no check-in or the date is earlier.

    \b
    Examples:
        spinewise checkin --journal journal.json
        spinewise checkin --journal journal.json --answers week2.json --date 2026-12-08 --format json
    """
    from spinewise import api

    api.refuse_broken_rules(rules_dir)

    fmt = _pick_format(fmt, output)
    if fmt == "pdf" and not output and sys.stdout.isatty():
        raise UserError("a PDF report cannot be shown on a terminal; write it to a file with --output report.pdf")
    api.refuse_broken_rules(rules_dir)
    day, journal = api.checkin_day_and_journal(date_text, journal_file)
    why_not = api.checkin_refusal(journal, day, rules_dir, include_draft)
    if why_not:
        raise UserError(why_not)
    interview = None
    if answers_source is None:
        interview = _checkin_interview(journal, day, resume, interactive, rules_dir, include_draft, journal_file)
        answers = interview.answers
    elif resume:
        raise UserError("--resume continues an unfinished check-in; leave out --answers to use it")
    else:
        from spinewise.answers import parse_answers_json

        answers = parse_answers_json(sys.stdin.buffer.read() if answers_source == "-" else _read_file(answers_source),
                                     None if answers_source == "-" else answers_source)
        answers = api.checkin_answers(answers, answers_source, rules_dir)
    outcome = api.checkin(journal, answers, day, rules_dir, include_draft, write=False)
    report = api.render_checkin(outcome, journal, fmt, rules_dir, include_draft, **_terminal_style(output),
                                pending=outcome.entry)
    api.save_checkin(journal, outcome)  # only once the report is ready: a check-in is recorded whole or not at all
    if interview:
        interview.finished()
    _emit(report, output)
    if output and interview:
        click.echo(f"The report is in {output}; your journal is {journal.path}.", err=True)


def _read_file(path) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except FileNotFoundError:
        raise UserError(f"answers file {path!r} does not exist") from None
    except OSError as exc:
        raise UserError(f"cannot read answers file {path!r}: {exc.strerror}") from None


def _checkin_interview(journal, day, resume, interactive, rules_dir, include_draft, journal_file):
    if not (interactive or sys.stdin.isatty()):
        raise UserError("standard input is not a terminal, so no questions can be asked; "
                        "give this week's answers with --answers FILE (or --answers - to read JSON from standard input)")
    import shlex

    from spinewise.questionnaire.checkin import run_checkin_questionnaire
    from spinewise.questionnaire import Interrupted

    from spinewise import i18n

    again = ["spinewise", "checkin", "--resume"] + (["--journal", journal_file] if journal_file else [])
    again += ["--date", day.isoformat()]  # the day the check-in describes: another day may be refused
    again += (["--rules", rules_dir] if rules_dir else []) + (["--include-draft"] if include_draft else [])
    again += ["--lang", i18n.language()] if i18n.language() != i18n.SOURCE else []
    try:
        return run_checkin_questionnaire(journal, day, resume, shlex.join(again), rules_dir, include_draft)
    except Interrupted as exc:
        click.echo(str(exc), err=True)
        sys.exit(130)


@main.group(short_help="Your journal: every assessment and weekly check-in.")
def journal():
    """Your journal: every assessment and weekly check-in.

    \b
    Example:
        spinewise journal show --journal journal.json --format html --output history.html
    """


@journal.command("show", short_help="The history: every entry, the pain by week, the doses.")
@journal_option
@click.option("--format", "fmt", type=click.Choice(("text", "markdown", "html", "json", "fhir")),
              help="Default: from the --output extension, else text on a terminal and json otherwise.")
@click.option("--output", type=click.Path(), metavar="PATH", callback=a_file_to_write,
              help="Write it to PATH (owner-only permissions) instead of standard output.")
@rules_option
@lang_option
@user_errors
def journal_show(journal_file, fmt, output, rules_dir):
    """The history: every entry, the pain week by week, the doses and steps.

    \b
    Examples:
        spinewise journal show --journal journal.json
        spinewise journal show --journal journal.json --format fhir > journal.fhir.json
    """
    from spinewise import api

    fmt = _pick_format(fmt, output)
    if fmt == "pdf":
        raise UserError("journal show writes text, markdown, html, json or fhir")
    _emit(api.show_journal(journal_file, fmt, rules_dir, **_terminal_style(output)), output)


@main.command(short_help="Assess many lifters from a JSONL file, one per line.")
@click.argument("input_path", metavar="INPUT.jsonl", type=click.Path(allow_dash=True), callback=a_file_to_read)
@click.option("--output", type=click.Path(allow_dash=True), default="-", metavar="OUT.jsonl", callback=a_file_to_write,
              help="Where to write one JSON result per input line (default: standard output).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes (default: the cores available). Output order is kept.")
@click.option("--format", "fmt", type=click.Choice(("json", "fhir")), default="json",
              help="json (default): the result object; fhir: a FHIR R4 Bundle per line, "
                   "e.g. --format fhir --output results.fhir.jsonl.")
@rules_option
@draft_option
@user_errors
def batch(input_path, output, jobs, fmt, rules_dir, include_draft):
    """Assess many lifters: one answers object per input line, one result per output line.

    A line may also be a FHIR QuestionnaireResponse. An optional "id" key in each input
    object (a response's own id) is carried to its output line. A bad line gets an "error"
    field instead of a disposition (with --format fhir, an OperationOutcome) and the run
    goes on; the exit status is 0 when every line was assessed, 1 when any was refused. On
    a terminal a progress bar is shown; after Ctrl-C the output holds whole lines only
    (exit status 130).

    \b
    Examples:
        spinewise batch answers.jsonl --output results.jsonl --jobs 2
        spinewise batch responses.fhir.jsonl --format fhir --output results.fhir.jsonl
    """
    from spinewise import api

    api.refuse_broken_rules(rules_dir)
    from spinewise.batch_progress import batch_progress

    with batch_progress(input_path, output) as progress:
        summary = api.run_batch_files(input_path, output, rules_dir, include_draft, jobs, progress, fmt)
    click.echo(f"batch: {summary.assessed} assessed, {summary.failed} refused", err=True)
    if summary.interrupted:
        click.echo("batch: interrupted; every line written so far is a complete result", err=True)
        sys.exit(130)
    if summary.failed:
        sys.exit(1)


@main.command(short_help="List the questions, their answers and the rules that read them.")
@click.option("--format", "fmt",
              type=click.Choice(("json", "markdown", "fhir", "fhir-bundle", "fhir-package", "fhir-checkin",
                                 "json-schema", "checkin-json-schema")),
              help="fhir: the FHIR R4 Questionnaire, as form fillers load it; fhir-bundle: a Bundle of it and its "
                   "CodeSystems; fhir-package: those and the StructureDefinitions of spinewise's extensions, for a "
                   "validator; json-schema: a JSON Schema (2020-12) of the answers object, with the result's under "
                   "$defs (e.g. --format json-schema > answers.schema.json); fhir-checkin and checkin-json-schema: "
                   "the same for the weekly check-in. Default: markdown on a terminal, json otherwise.")
@rules_option
@lang_option
@user_errors
def questions(fmt, rules_dir):
    """List the question vocabulary: ids, types, allowed answers, when asked, which rules read each.

    \b
    Examples:
        spinewise questions
        spinewise questions --format json > questions.json
        spinewise questions --format fhir > questionnaire.fhir.json
        spinewise questions --format fhir-package > spinewise.fhir-package.json
        spinewise questions --format json-schema > answers.schema.json
    """
    fmt = fmt or ("markdown" if sys.stdout.isatty() else "json")
    if fmt.startswith("fhir") or fmt in ("json-schema", "checkin-json-schema"):
        from spinewise import api

        click.echo(api.vocabulary_form(fmt, rules_dir), nl=False)
        return
    from spinewise.review.questions import questions

    click.echo(questions(rules_dir, fmt), nl=False)


@main.command(short_help="Serve the questionnaire as web pages.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Any other than loopback sends answers over the network: put a TLS proxy in front.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0 picks a free one).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Processes sharing the port (one per core uses every core).")
@rules_option
@lang_option
@user_errors
def serve(host, port, workers, rules_dir):
    """Serve the questionnaire as web pages (one question per page, then the report).

    The server keeps no answers: the lifter's browser holds them, signed, in a cookie. The
    --workers processes share one secret; set SPINEWISE_SECRET to the same value in every
    server when several on different machines serve one address.

    \b
    Examples:
        spinewise serve
        spinewise serve --workers 2
        spinewise serve --host 0.0.0.0 --port 8080 --rules my-rules/
    """
    from spinewise import api
    from spinewise.web.serve import serve as run

    api.refuse_broken_rules(rules_dir)
    try:
        run(rules_dir, host, port, lambda line: click.echo(line, err=True), workers)
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


@main.group(short_help="Check, document, test, compare and sign off rule bases.")
def rules():
    """Work with rule bases: check, document, test, compare and sign them off.

    \b
    Examples:
        spinewise rules check rules/
        spinewise rules doc --format html --output rulebook.html
        spinewise rules test --cases cases.jsonl
        spinewise rules diff rules/ my-rules/ --cases saved.jsonl
        spinewise rules review rules/ --reviewer "Jane Doe" --key ~/.ssh/id_ed25519
    """


@rules.command("check", short_help="Validate a rule base; exit 1 when it has errors.")
@click.argument("directory", required=False, type=click.Path(), metavar="[DIR]", callback=a_folder)
@rules_option
@user_errors
def rules_check(directory, rules_dir):
    """Validate a rule base; exit 0 when clean, 1 with one "file:line: message" row per problem.

    Besides the files themselves it verifies the rules over every combination of answers:
    gaps where no rule gives a disposition and rules that set the same plan attribute
    differently are errors; rules that can never fire, redundant rules, one finding with
    two dispositions, and vocabulary no rule produces are warnings (rows marked
    "warning:"), which do not fail the check.

    \b
    Example:
        spinewise rules check my-rules/
    """
    from spinewise.review.verdict import check_and_keep

    # The whole report goes to standard output (`rules check > check.txt` keeps it all): one row per
    # problem, a blank line, then what was verified and the verdict; standard error is for a check
    # that cannot run.
    problems, summary = check_and_keep(directory or rules_dir)
    for problem in problems:
        prefix = "warning: " if problem.severity == "warning" else ""
        click.echo(f"{problem.where}{prefix}{problem.message}")
    if problems:
        click.echo("")
    for line in summary:
        click.echo(line)
    errors = sum(1 for problem in problems if problem.severity == "error")
    if errors:
        click.echo(f"{errors} error(s), {len(problems) - errors} warning(s)")
        sys.exit(1)
    click.echo(f"rule base is valid ({len(problems)} warning(s))")


@rules.command("doc", short_help="Write the rulebook: every rule in plain words.")
@click.argument("directory", required=False, type=click.Path(), metavar="[DIR]", callback=a_folder)
@click.option("--format", "fmt", type=click.Choice(("markdown", "html")),
              help="Rulebook format. Default: from the --output extension, else markdown.")
@click.option("--output", type=click.Path(), metavar="PATH", callback=a_file_to_write,
              help="Write the rulebook to PATH.")
@rules_option
@lang_option
@user_errors
def rules_doc(directory, fmt, output, rules_dir):
    """Write the rulebook: every rule in plain words, with its metadata, examples and indexes.

    Approved rules come by topic; draft and retired rules have their own sections. The
    HTML is one printable file.

    \b
    Examples:
        spinewise rules doc > rulebook.md
        spinewise rules doc my-rules/ --output rulebook.html
    """
    from spinewise.review.doc import rulebook

    fmt = fmt or ("html" if output and output.lower().endswith((".html", ".htm")) else "markdown")
    _emit(rulebook(directory or rules_dir, fmt), output)


@rules.command("test", short_help="Run the rules' own examples and a cases file.")
@click.argument("directory", required=False, type=click.Path(), metavar="[DIR]", callback=a_folder)
@click.option("--cases", "cases_path", type=click.Path(), metavar="FILE.jsonl", callback=a_file_to_read,
              help='Also run these cases: one object per line, {"id", "answers", "expect": {"disposition", '
                   '"findings", "no_findings", "plan", "no_plan"}}.')
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", help="Table or JSON.")
@rules_option
@draft_option
@user_errors
def rules_test(directory, cases_path, fmt, rules_dir, include_draft):
    """Run every rule's own examples (and a cases file) and print a pass/fail table; exit 1 on a failure.

    Examples of draft rules are skipped unless --include-draft runs the drafts too.

    \b
    Examples:
        spinewise rules test
        spinewise rules test my-rules/ --cases clinic-cases.jsonl --include-draft
    """
    from spinewise.review.test import render_test_run, test_rules

    run = test_rules(directory or rules_dir, cases_path, include_draft)
    click.echo(render_test_run(run, fmt), nl=False)
    if run.failed:
        sys.exit(1)


@rules.command("diff", short_help="Show the cases a rule change would alter.")
@click.argument("folders", metavar="[OLD_DIR] NEW_DIR", nargs=-1, required=True, type=click.Path(),
                callback=a_folder)
@click.option("--cases", "cases_path", type=click.Path(), metavar="FILE.jsonl", callback=a_file_to_read,
              help="Saved answers to replay, one JSON object per line (batch input works). "
                   "Default: generate a set of answers that covers every combination the rules tell apart.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", help="Report or JSON.")
@rules_option
@draft_option
@user_errors
def rules_diff(folders, cases_path, fmt, rules_dir, include_draft):
    """Show every case whose disposition, findings or plan a rule change would alter.

    Prints each changed case old -> new, a count per disposition transition, and marks
    with !! every change that lowers urgency; exit status 1 when there is one. Given one
    folder, it compares the rule base in use (--rules, else the shipped one) with it.

    \b
    Examples:
        spinewise rules diff my-rules/
        spinewise rules diff rules/ my-rules/ --cases saved-answers.jsonl --format json
    """
    from spinewise.review.diff import diff_rules, render_diff

    if len(folders) > 2 or (len(folders) == 2 and rules_dir):
        raise UserError("give the new rule folder, and the old one either before it or as --rules, not both")
    old_dir, new_dir = folders if len(folders) == 2 else (rules_dir, folders[0])
    report = diff_rules(old_dir, new_dir, cases_path, include_draft)
    click.echo(render_diff(report, fmt, generated=cases_path is None), nl=False)
    if report.alarming:
        sys.exit(1)


@rules.command("review", short_help="Review rules and sign each decision with your key.")
@click.argument("directory", required=False, type=click.Path(file_okay=False), metavar="[DIR]")
@click.option("--reviewer", "reviewer_name", required=True, metavar="NAME",
              help="Your name as the clinic's trust file lists it.")
@click.option("--key", "key_file", required=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Your OpenSSH ed25519 private key (ssh-keygen -t ed25519 makes one).")
@click.option("--rule", "rule_ids", multiple=True, metavar="ID", help="Review only this rule (repeatable).")
@click.option("--translation", "translations", multiple=True, metavar="LANG",
              help="Review the translation into LANG: every message of its catalogues with the translator's "
                   "back-translation (repeatable; your trust-file entry must list LANG).")
@click.option("--attention", "attention", is_flag=True,
              help="Review the clinic's attention list (attention.yaml): its levels in order, conditions, reasons "
                   "and hazards.")
@click.option("--note", default="", metavar="TEXT", help="A note recorded with each decision.")
@click.option("--yes", is_flag=True, help="Approve every rule shown without asking (the records say so: bulk).")
@click.option("--resolves", "resolves", default="", metavar="DIGEST",
              help="With one --rule or --translation: the request for changes this decision resolves (the start of its digest, as "
                   "the rulebook shows it).")
@rules_option
@lang_option
@user_errors
def rules_review(directory, reviewer_name, key_file, rule_ids, translations, attention, note, yes, resolves,
                 rules_dir):
    """Review rules one by one and sign each decision with your key: approve, request changes or skip.

    Without --rule it shows every rule in use you have not yet decided on as it is now.
    Each rule is shown with every text it puts in front of a lifter. A decision is stored
    in the rule folder's signoffs.yaml with the date, bound to the SHA-256 of what you saw
    and signed; editing the rule or one of its texts later voids it. Only people in the clinic's
    trust file sign, and only physiotherapists, doctors, chiropractors and osteopaths count as
    clinical sign-off. A request for changes must say what to change; it stands until you, or
    a later decision naming it (--resolves), resolve it.

    A translation is reviewed the same way (--translation LANG): one card with every message
    of the language's catalogues, its translation and the translator's back-translation,
    signed by a clinician whose trust-file entry lists LANG; until then every report in LANG
    says its translation has not been reviewed by a clinician. The clinic's attention list
    (--attention) is one card too: its levels in order, their conditions, reasons and hazards.

    \b
    Examples:
        spinewise rules review rules/ --reviewer "Jane Doe" --key ~/.ssh/id_ed25519
        spinewise rules review rules/ --reviewer "Jane Doe" --key key --rule rf-fever --yes --note "NG59 checked"
        spinewise rules review rules/ --reviewer "Ana Ruiz" --key key --translation es
    """
    from spinewise.i18n import gettext
    from spinewise.review.signoff import record, show_rule, standing_request, start_review, summary

    if resolves and len(rule_ids) + len(translations) + attention != 1:
        raise UserError("--resolves names a request for changes to one card: give exactly one --rule, --translation "
                        "or --attention with it")
    session = _signing("review", key_file, lambda *passphrase: start_review(
        directory or rules_dir, reviewer_name, key_file, rule_ids, *passphrase, translations=translations,
        attention=attention))
    resolved = standing_request(session, session.rules[0].id, resolves).digest if resolves else ""
    decisions = []
    for number, rule in enumerate(session.rules, 1):
        click.echo(show_rule(session, rule, number))
        decision = "approve" if yes else _ask_decision()
        said = note
        while decision == "request_changes" and not said.strip():
            said = click.prompt(gettext("What should change (required)"), default="", show_default=False)
        if decision != "skip":
            record(session, rule, decision, said, bulk=yes, resolves=resolved)
        decisions.append(decision)
    click.echo(summary(session, decisions), err=True)


@rules.command("approve", short_help="Approve the whole rule folder for use (clinical safety officer).")
@click.argument("directory", required=False, type=click.Path(file_okay=False), metavar="[DIR]")
@click.option("--reviewer", "reviewer_name", required=True, metavar="NAME",
              help="Your name as the clinic's trust file lists it (with approves: true).")
@click.option("--key", "key_file", required=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Your OpenSSH ed25519 private key.")
@click.option("--note", default="", metavar="TEXT", help="A note recorded with the approval.")
@rules_option
@user_errors
def rules_approve(directory, reviewer_name, key_file, note, rules_dir):
    """Approve this release of the rule base for use in your clinic.

    Signs the SHA-256 of every file of the rule folder (rules, questions, plan, settings,
    check-in vocabulary, safety case, catalogues, sign-off records) into approval.yaml. Only
    a person whose trust-file entry says approves: true may approve, and not while `rules
    check` finds errors. Any later change of any file voids the approval.

    \b
    Example:
        spinewise rules approve rules/ --reviewer "Ann Lee" --key ~/.ssh/id_ed25519 --note "Release 2.0 checked"
    """
    from spinewise.review.approve import approve_release

    approval = _signing("approval", key_file, lambda *passphrase: approve_release(
        directory or rules_dir, reviewer_name, key_file, note, *passphrase))
    click.echo(f"{approval.by} approved this rule base for use on {approval.date} "
               f"(SHA-256 of its files {approval.sha256[:12]}); any change of a file voids it.", err=True)


def _signing(what: str, key_file, sign):
    """`sign()` with the private key, asking for its passphrase on a terminal when it has one;
    then the warning about a key file others can read, if any."""
    from spinewise.review.signoff import NeedPassphrase, key_warning

    try:
        done = sign()
    except NeedPassphrase as exc:
        if not sys.stdin.isatty():
            raise UserError(f"{exc}; run the {what} in a terminal to type it") from None
        done = sign(click.prompt(f"Passphrase for {key_file}", hide_input=True))
    warning = key_warning(key_file)
    if warning:
        click.echo(warning, err=True)
    return done


def _ask_decision() -> str:
    from spinewise.i18n import gettext

    # Translators: the letters a, r and s are typed as they are; name them in the question.
    choice = click.prompt(gettext("Approve, request changes, or skip? [a/r/s]"), type=click.Choice(("a", "r", "s")),
                          show_choices=False)
    return {"a": "approve", "r": "request_changes", "s": "skip"}[choice]


from spinewise.cli_clinic import register as _register_clinic  # noqa: E402 (after the groups it extends)

_register_clinic(main, journal)

if __name__ == "__main__":  # pragma: no cover
    main()
