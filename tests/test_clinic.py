"""The clinic (contract "The clinic", clinical knowledge section 10), against SQLite and against a
real PostgreSQL (started by .ci/run; these run on SQLite alone only where SPINEWISE_TEST_POSTGRES
is not set)."""

import datetime
import json
import re

import pytest
import sqlalchemy as sa
from clinic_support import csrf_of, fresh_database, journey_journal, postgres_url
from conftest import invoke

from spinewise import api
from spinewise.clinic import db, lifters, store
from spinewise.clinic.app import create_clinic_app

FIRST_DAY = datetime.date(2026, 11, 2)
TODAY = datetime.date(2026, 12, 6)
PASSWORD = "correct horse battery staple"


@pytest.fixture(params=["sqlite", "postgresql"])
def clinic_db(request, tmp_path, monkeypatch):
    if request.param == "postgresql" and postgres_url() is None:
        pytest.skip("SPINEWISE_TEST_POSTGRES is not set (.ci/run sets it)")
    url, drop = fresh_database(request.param, tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime.datetime(2026, 12, 6, 9).timestamp())))
    db.migrate(url)
    store.init_clinic(url, "Riverside Physio")
    yield url
    drop()


def signed_in_client(url, role="admin", email="ana@example.org"):
    token = store.add_practitioner(url, "Ana Ruiz", email, role)
    app = create_clinic_app(url)
    app.config["SERVER_NAME"] = "clinic.test"
    client = app.test_client()
    page = client.get(f"/signup/{token}").text
    assert client.post(f"/signup/{token}", data={"csrf": csrf_of(page), "password": PASSWORD,
                                                 "repeated": PASSWORD}).status_code == 302
    page = client.get("/signin").text
    answer = client.post("/signin", data={"csrf": csrf_of(page), "email": email, "password": PASSWORD})
    assert answer.status_code == 302 and answer.location.endswith("/list")
    return app, client


def new_code(client) -> str:
    page = client.get("/share-codes").text
    answer = client.post("/share-codes", data={"csrf": csrf_of(page)})
    code = re.search(r"code=([A-Z0-9-]+)", answer.location).group(1)
    assert code in client.get(answer.location).text
    return code


def share_through_page(app, code, path):
    lifter = app.test_client()
    page = lifter.get("/share").text
    assert "What the clinic will see" in page
    return lifter, lifter.post("/share", data={"csrf": csrf_of(page), "code": code, "consent": "yes",
                                               "journal": (open(path, "rb"), "journal.json")},
                               content_type="multipart/form-data")


def test_a_practitioners_morning(clinic_db, tmp_path):
    app, client = signed_in_client(clinic_db)
    journals = {
        "back_to_load": journey_journal("arched_lifter_back_to_usual_weight", tmp_path, FIRST_DAY, steps=4),
        "flare": journey_journal("flare_after_sessions", tmp_path, FIRST_DAY),
        "leg_weakness": journey_journal("leg_weakness_in_week_two", tmp_path, FIRST_DAY),
    }
    links = {}
    for name, path in journals.items():
        lifter, answer = share_through_page(app, new_code(client), path)
        assert answer.status_code == 302
        links[name] = answer.location
        assert "Your journal is shared" in lifter.get(answer.location).text

    page = client.get("/list").text
    labels = re.findall(r'href="/lifters/(L-[A-Z0-9]+)"', page)
    assert len(labels) == 3
    emergency, flare, back_to_load = labels
    text = _text(page)
    assert text.index("Go to an emergency department now") < text.index("book a licensed practitioner") \
        < text.index("Nothing needs attention")
    assert "no practitioner has acknowledged it yet" in text
    assert page.count("<svg class=\"spark\"") == 3 and "Pain out of 10 at each entry, oldest first: 5, 3, 3" in page
    assert "Monday 7 December 2026" in text and "2026-12-07" not in text  # the next check-in, in words

    lifter_page = client.get(f"/lifters/{emergency}").text
    entry = re.search(r'name="entry" value="([0-9a-f]{64})"', lifter_page).group(1)
    answer = client.post(f"/lifters/{emergency}/acknowledge", data={"csrf": csrf_of(lifter_page), "entry": entry})
    assert answer.status_code == 302
    assert "Referral acknowledged by Ana Ruiz" in client.get(f"/lifters/{emergency}").text
    # Acknowledged referrals stay above everyone not referred, below referrals nobody has acknowledged.
    after = re.findall(r'href="/lifters/(L-[A-Z0-9]+)"', client.get("/list").text)
    assert after == [flare, emergency, back_to_load]
    listed = json.loads(invoke("clinic", "list", "--db", clinic_db, "--format", "json", "--date", TODAY).output)
    assert [row["lifter"] for row in listed] == after
    assert listed[1]["acknowledged"]["by"] == "Ana Ruiz" and listed[1]["disposition"] == "emergency"
    assert listed[1]["attention"] == "referral_acknowledged" and listed[2]["next_checkin"] == "2026-12-07"

    answer = client.post(f"/lifters/{flare}/notes", data={"csrf": csrf_of(lifter_page), "note": ""})
    assert answer.status_code == 400 and "Write the note before saving it." in answer.text
    answer = client.post(f"/lifters/{flare}/notes", data={"csrf": csrf_of(lifter_page),
                                                         "note": "Called: <b>booked</b> for Tuesday."})
    assert answer.status_code == 302
    shown = client.get(f"/lifters/{flare}").text
    assert "Called: &lt;b&gt;booked&lt;/b&gt; for Tuesday." in shown

    export = client.get(f"/lifters/{flare}/fhir")
    bundle = json.loads(export.data)
    assert bundle["resourceType"] == "Bundle" and "attachment" in export.headers["Content-Disposition"]
    history = client.get(f"/lifters/{flare}/history")
    assert history.status_code == 200 and f"<h1>The journal of {flare}, as shared with the clinic</h1>" in history.text
    assert "Your journal" not in history.text, "the practitioner reads it, not the lifter"

    withdraw_page = app.test_client().get(links["flare"]).text
    answer = app.test_client().post(links["flare"], data={"csrf": csrf_of(withdraw_page)})
    assert answer.status_code == 400  # no CSRF cookie: another site cannot withdraw for the lifter
    lifter = app.test_client()
    withdraw_page = lifter.get(links["flare"]).text
    assert lifter.post(links["flare"], data={"csrf": csrf_of(withdraw_page)}).status_code == 302
    assert client.get(f"/lifters/{flare}").status_code == 404
    assert re.findall(r'href="/lifters/(L-[A-Z0-9]+)"', client.get("/list").text) == [emergency, back_to_load]
    with db.engine_for(clinic_db).connect() as connection:
        for table in ("entry", "note", "acknowledgement"):
            held = connection.execute(sa.text(f"SELECT count(*) FROM {table} t JOIN lifter l ON l.id = t.lifter_id "
                                              f"WHERE l.label = :label"), {"label": flare}).scalar()
            assert held == 0

    audit = client.get("/audit").text
    for action in ("sign_up", "sign_in", "share_code", "share", "view_list", "view_lifter", "acknowledge", "note",
                   "export_fhir", "view_history", "withdrawal"):
        assert f'<span class="audit-code">{action}</span>' in audit, action
    assert re.search(rf'withdrew a journal<span class="audit-code">withdrawal</span></td><td>{flare}</td>', audit)
    lines = invoke("clinic", "audit", "--db", clinic_db).output.splitlines()
    assert any("ana@example.org  export_fhir  " + flare in line for line in lines)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_fhir_export_is_valid_fhir_and_the_same_record_as_the_lifters_own_file(clinic_db, tmp_path):
    """An independent tool (fhir.resources' R4B models) reads the clinic's export of each shared journal:
    the Bundle and every resource in it; and it holds what `journal show --format fhir` gives the
    lifter from their own file, entry for entry."""
    from fhir_support import entries, validate

    app, client = signed_in_client(clinic_db)
    names = ("leg_weakness_in_week_two", "flare_after_sessions", "arched_lifter_back_to_usual_weight")
    for name in names:
        path = journey_journal(name, tmp_path, FIRST_DAY)
        assert share_through_page(app, new_code(client), path)[1].status_code == 302
        label = re.findall(r'href="/lifters/(L-[A-Z0-9]+)"', client.get("/list").text)
        own = json.loads(invoke("journal", "show", "--journal", path, "--format", "fhir").stdout)
        exported = None
        for candidate in label:
            bundle = json.loads(client.get(f"/lifters/{candidate}/fhir").data)
            if len(bundle["entry"]) == len(own["entry"]) and _fhir_facts(bundle) == _fhir_facts(own):
                exported = bundle
        assert exported is not None, f"{name}: no export holds the lifter's own record"
        validate(exported)
        for entry in exported["entry"]:
            validate(entry["resource"])
        responses = entries(exported, "QuestionnaireResponse")
        assert len(responses) == len(json.loads(path.read_text())["entries"])
        assert all(response["status"] == "completed" for response in responses)
    broken = json.loads(client.get(f"/lifters/{label[0]}/fhir").data)
    broken["entry"][0]["resource"]["authored"] = "last Tuesday"  # the validator is not a rubber stamp
    with pytest.raises(ValueError):
        validate(broken["entry"][0]["resource"])


def _fhir_facts(bundle: dict) -> list:
    """What a FHIR record says, without the identifiers and times each export makes afresh."""
    facts = []
    for entry in bundle["entry"]:
        resource = entry["resource"]
        facts.append((resource["resourceType"], resource.get("authored") or resource.get("effectiveDateTime"),
                      json.dumps(resource.get("item") or resource.get("valueQuantity") or resource.get("code"),
                                 sort_keys=True)))
    return facts


def test_sharing_again_adds_the_new_entries_and_refuses_a_rewritten_one(clinic_db, tmp_path):
    rulebase = api.load_rulebase()
    code = store.new_share_code(clinic_db)
    early = journey_journal("arched_lifter_back_to_usual_weight", tmp_path / "early", FIRST_DAY, steps=1) \
        if (tmp_path / "early").mkdir() is None else None
    first = lifters.share(clinic_db, code, early.read_bytes(), rulebase)
    assert (first.added, first.total) == (2, 2)
    (tmp_path / "later").mkdir()
    later = journey_journal("arched_lifter_back_to_usual_weight", tmp_path / "later", FIRST_DAY, steps=3)
    again = lifters.share(clinic_db, code.lower().replace("-", ""), later.read_bytes(), rulebase)
    assert (again.added, again.total, again.label) == (2, 4, first.label)
    with pytest.raises(lifters.withdraw.__globals__["ClinicError"], match="link is not known"):
        lifters.withdraw(clinic_db, first.withdraw_token)  # each share gives a new link; the old one stops

    data = json.loads(later.read_text())
    entry = data["entries"][1]
    entry["answers"]["sessions_done"] = 1
    from spinewise.journal import entry_digest

    entry["sha256"] = entry_digest(entry)  # rewritten and re-sealed: a valid journal, not the one the clinic holds
    with pytest.raises(db.ClinicError, match=r"Entry 2 of your journal \(of Monday 9 November 2026\) is not the one the clinic"):
        lifters.share(clinic_db, code, json.dumps(data).encode(), rulebase)
    entry["answers"]["sessions_done"] = 2  # edited by hand without its digest
    with pytest.raises(db.ClinicError, match="its sha256 does not match"):
        lifters.share(clinic_db, code, json.dumps(data).encode(), rulebase)
    with pytest.raises(db.ClinicError, match="share code is not known"):
        lifters.share(clinic_db, "AAAAA-AAAAA", later.read_bytes(), rulebase)


def test_the_audit_log_cannot_be_changed_or_deleted(clinic_db):
    store.new_share_code(clinic_db)
    engine = db.engine_for(clinic_db)
    for statement in ("UPDATE audit SET actor = 'nobody'", "DELETE FROM audit"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(sa.text(statement))
    assert [row.action for row in store.audit_rows(clinic_db)] == ["init", "share_code"]


def test_sign_in_is_limited_and_sessions_expire(clinic_db):
    app, client = signed_in_client(clinic_db)
    other = app.test_client()
    for _ in range(store.MAX_FAILED_SIGNINS):
        page = other.get("/signin").text
        answer = other.post("/signin", data={"csrf": csrf_of(page), "email": "ana@example.org", "password": "guess"})
        assert answer.status_code == 400 and "The e-mail address or the password is not right." in answer.text
    page = other.get("/signin").text
    answer = other.post("/signin", data={"csrf": csrf_of(page), "email": "ana@example.org", "password": PASSWORD})
    assert answer.status_code == 400 and "Too many attempts" in answer.text
    assert client.get("/list").status_code == 200  # the signed-in session is not affected
    with db.engine_for(clinic_db).begin() as connection:
        connection.execute(sa.text("UPDATE session SET expires_at = :past"),
                           {"past": datetime.datetime(2020, 1, 1)})
    answer = client.get("/list")
    assert answer.status_code == 302 and answer.location.endswith("/signin")


def test_sign_in_is_limited_per_client_address_across_accounts(clinic_db):
    """One address trying many accounts is paused, even for a right password; another address is not."""
    app, client = signed_in_client(clinic_db)
    store.add_practitioner(clinic_db, "Bo Li", "bo@example.org", "practitioner")
    guesser, neighbour = app.test_client(), app.test_client()
    here, there = {"REMOTE_ADDR": "203.0.113.7"}, {"REMOTE_ADDR": "198.51.100.4"}

    def attempt(browser, address, email, password):
        page = browser.get("/signin", environ_base=address).text
        return browser.post("/signin", data={"csrf": csrf_of(page), "email": email, "password": password},
                            environ_base=address)

    for number in range(store.MAX_FAILED_PER_ADDRESS):  # never 5 on one account: no account locks
        answer = attempt(guesser, here, f"someone{number % 4}@example.org" if number % 5 else "bo@example.org",
                         "guess")
        assert answer.status_code == 400 and "The e-mail address or the password is not right." in answer.text
    answer = attempt(guesser, here, "ana@example.org", PASSWORD)
    assert answer.status_code == 429
    assert "Too many attempts from your network address: signing in from it is paused until" in answer.text
    assert attempt(neighbour, there, "ana@example.org", PASSWORD).status_code == 302
    assert client.get("/list").status_code == 200
    refused = [row for row in store.audit_rows(clinic_db) if row.action == "sign_in" and not row.success]
    assert len(refused) == store.MAX_FAILED_PER_ADDRESS + 1 and refused[-1].subject == "address paused"


def test_attempts_from_one_address_at_the_same_moment_are_all_counted(clinic_db):
    """A guesser sending many attempts at once (each its own request, as through several servers)
    gets no error page and no attempt uncounted: the next one is paused."""
    from concurrent.futures import ThreadPoolExecutor

    app, _ = signed_in_client(clinic_db)
    here = {"REMOTE_ADDR": "192.0.2.55"}
    forms = []
    for number in range(store.MAX_FAILED_PER_ADDRESS):
        browser = app.test_client()
        forms.append((browser, csrf_of(browser.get("/signin", environ_base=here).text), number))

    def attempt(form):
        browser, csrf, number = form
        return browser.post("/signin", data={"csrf": csrf, "email": f"guess{number}@example.org", "password": "x"},
                            environ_base=here).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(attempt, forms))
    assert statuses == [400] * store.MAX_FAILED_PER_ADDRESS
    browser = app.test_client()
    page = browser.get("/signin", environ_base=here).text
    answer = browser.post("/signin", data={"csrf": csrf_of(page), "email": "ana@example.org", "password": PASSWORD},
                          environ_base=here)
    assert answer.status_code == 429


def test_an_admin_resets_a_password_with_a_one_time_link(clinic_db):
    app, client = signed_in_client(clinic_db)
    elsewhere = app.test_client()  # the same practitioner signed in on another computer
    page = elsewhere.get("/signin").text
    assert elsewhere.post("/signin", data={"csrf": csrf_of(page), "email": "ana@example.org",
                                           "password": PASSWORD}).status_code == 302
    run = invoke("clinic", "reset-password", "--email", "ANA@example.org", "--db", clinic_db,
                 "--url", "https://clinic.example.org/")
    assert run.exit_code == 0, run.stderr
    link = run.stdout.strip()
    assert link.startswith("https://clinic.example.org/signup/")
    for browser in (client, elsewhere):  # every session of hers ended at once
        answer = browser.get("/list")
        assert answer.status_code == 302 and answer.location.endswith("/signin")
    page = elsewhere.get("/signin").text  # and the old password no longer signs in
    assert elsewhere.post("/signin", data={"csrf": csrf_of(page), "email": "ana@example.org",
                                           "password": PASSWORD}).status_code == 400

    path = "/signup/" + link.rsplit("/", 1)[1]
    page = client.get(path).text
    assert "Ana Ruiz: set a new password" in page and "the old one no longer works" in page
    new = "a brand new and long password"
    answer = client.post(path, data={"csrf": csrf_of(page), "password": new, "repeated": new})
    assert answer.status_code == 302
    assert "This sign-up link cannot be used" in client.get(path).text  # one time only
    page = client.get("/signin").text
    assert client.post("/signin", data={"csrf": csrf_of(page), "email": "ana@example.org",
                                        "password": new}).status_code == 302
    actions = [(row.action, row.subject) for row in store.audit_rows(clinic_db)]
    assert ("password_reset_link", "ana@example.org") in actions and ("password_reset", "") in actions
    assert "issued a password reset link" in client.get("/audit").text
    unknown = invoke("clinic", "reset-password", "--email", "nobody@example.org", "--db", clinic_db)
    assert unknown.exit_code == 2 and unknown.stderr.count("\n") == 1 and "not a practitioner" in unknown.stderr


def test_an_admin_resets_a_password_on_the_practitioners_page(clinic_db):
    app, admin = signed_in_client(clinic_db)
    store.add_practitioner(clinic_db, "Bo Li", "bo@example.org", "practitioner")
    page = admin.get("/practitioners").text
    assert "Bo Li" in page and "not set yet" in page and "Reset Bo Li's password" in page
    answer = admin.post("/practitioners/reset", data={"csrf": csrf_of(page), "email": "bo@example.org"})
    assert answer.status_code == 302
    shown = admin.get(answer.location).text
    link = re.search(r"<code>(http://clinic\.test/signup/[\w-]{43})</code>", shown).group(1)
    assert "Give Bo Li this link to set a new password" in shown
    bo = app.test_client()
    form = bo.get(link).text
    assert "Bo Li: set a new password" in form
    assert bo.post(link, data={"csrf": csrf_of(form), "password": PASSWORD, "repeated": PASSWORD}).status_code == 302
    actions = [(row.actor, row.action, row.subject) for row in store.audit_rows(clinic_db)]
    assert ("ana@example.org", "password_reset_link", "bo@example.org") in actions
    assert ("bo@example.org", "password_reset", "") in actions

    answer = admin.post("/practitioners/reset", data={"csrf": csrf_of(page), "email": "nobody@example.org"})
    assert answer.status_code == 404
    answer = admin.post("/practitioners/reset", data={"email": "bo@example.org"})
    assert answer.status_code == 400  # no CSRF token: another site cannot reset a password
    assert "This sign-up link cannot be used" in app.test_client().get("/signup/" + "A" * 43).text

    bo_page = bo.get("/signin").text
    assert bo.post("/signin", data={"csrf": csrf_of(bo_page), "email": "bo@example.org",
                                    "password": PASSWORD}).status_code == 302
    assert bo.get("/practitioners").status_code == 403
    assert bo.post("/practitioners/reset", data={"csrf": csrf_of(bo.get("/list").text),
                                                 "email": "ana@example.org"}).status_code == 403
    own = admin.post("/practitioners/reset", data={"csrf": csrf_of(page), "email": "ana@example.org"})
    assert "/signup/" in own.location  # her own: signed out, straight to setting a new one
    assert admin.get("/list").status_code == 302


def test_forms_without_their_csrf_token_are_refused(clinic_db):
    app, client = signed_in_client(clinic_db)
    assert client.post("/share-codes", data={}).status_code == 400
    assert client.post("/share-codes", data={"csrf": "forged"}).status_code == 400
    assert "There is no page" not in client.post("/share-codes", data={}).text


def test_sign_up_links_are_single_use_and_expire(clinic_db):
    token = store.add_practitioner(clinic_db, "Bo Li", "bo@example.org", "practitioner")
    client = create_clinic_app(clinic_db).test_client()
    page = client.get(f"/signup/{token}").text
    short = client.post(f"/signup/{token}", data={"csrf": csrf_of(page), "password": "short", "repeated": "other"})
    assert short.status_code == 400 and "at least 12 characters" in short.text and "not the same" in short.text
    client.post(f"/signup/{token}", data={"csrf": csrf_of(page), "password": PASSWORD, "repeated": PASSWORD})
    assert "has been used" in client.get(f"/signup/{token}").text
    late = store.add_practitioner(clinic_db, "Cy Ng", "cy@example.org", "practitioner")
    with db.engine_for(clinic_db).begin() as connection:
        connection.execute(sa.text("UPDATE signup_token SET expires_at = :past WHERE used_at IS NULL"),
                           {"past": datetime.datetime(2020, 1, 1)})
    assert "has expired" in client.get(f"/signup/{late}").text


def test_a_practitioner_sees_only_their_clinics_lifters_and_the_audit_is_for_admins(clinic_db, tmp_path):
    app, client = signed_in_client(clinic_db, role="practitioner")
    assert client.get("/audit").status_code == 403
    other_code = new_code(client)
    with db.engine_for(clinic_db).begin() as connection:
        other = connection.execute(sa.text("INSERT INTO clinic (name, created_at) VALUES ('Elsewhere', :now) "
                                           "RETURNING id"), {"now": datetime.datetime(2026, 12, 1)}).scalar()
        connection.execute(sa.text("UPDATE share_code SET clinic_id = :other"), {"other": other})
    path = journey_journal("flare_after_sessions", tmp_path, FIRST_DAY)
    shared = lifters.share(clinic_db, other_code, path.read_bytes(), api.load_rulebase())
    assert shared.label not in client.get("/list").text
    assert client.get(f"/lifters/{shared.label}").status_code == 404
    assert client.get(f"/lifters/{shared.label}/fhir").status_code == 404


def test_commands_refuse_bad_input_in_one_line(clinic_db, tmp_path):
    run = invoke("clinic", "add-practitioner", "--name", " ", "--email", "ana", "--role", "boss", "--db", clinic_db)
    assert run.exit_code == 2
    assert run.stderr.strip().splitlines() == [
        "Error: --name must not be empty; --email 'ana' is not an e-mail address; --role 'boss' is not a role "
        "(allowed: practitioner, admin)"]
    run = invoke("clinic", "list", "--db", "mysql://x")
    assert run.exit_code == 2 and "Traceback" not in run.output and len(run.stderr.strip().splitlines()) == 1
    run = invoke("clinic", "list", "--db", f"sqlite:///{tmp_path / 'none.sqlite3'}")
    assert run.exit_code == 2 and "run `spinewise clinic init` first" in run.stderr
    code = invoke("clinic", "share-code", "--db", clinic_db)
    assert code.exit_code == 0 and re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}\n", code.stdout)
    link = invoke("clinic", "add-practitioner", "--name", "Bo Li", "--email", "bo@example.org", "--role",
                  "practitioner", "--db", clinic_db, "--url", "https://clinic.example.org/")
    assert re.fullmatch(r"https://clinic\.example\.org/signup/[\w-]{43}\n", link.stdout)
    again = invoke("clinic", "add-practitioner", "--name", "Bo Li", "--email", "BO@example.org", "--role",
                   "practitioner", "--db", clinic_db)
    assert again.exit_code == 2 and "already belongs" in again.stderr
    run = invoke("journal", "withdraw", "https://clinic.example.org/nothing")
    assert run.exit_code == 2 and "is not a withdrawal link" in run.stderr
    spanish = invoke("journal", "withdraw", "https://clinic.example.org/nothing", "--lang", "es")
    assert spanish.exit_code == 2 and "no es un enlace para retirar el diario" in spanish.stderr


def test_on_postgresql_the_apps_role_may_add_to_the_audit_log_but_not_change_it(clinic_db, tmp_path):
    if not clinic_db.startswith("postgresql"):
        pytest.skip("roles are PostgreSQL's")
    role = "clinic_app_" + clinic_db.rsplit("_", 1)[-1]
    owner = db.engine_for(clinic_db)
    with owner.begin() as connection:
        connection.execute(sa.text(f"CREATE ROLE {role} LOGIN"))
    try:
        assert invoke("clinic", "init", "--db", clinic_db, "--grant-to", role).exit_code == 0
        app_url = clinic_db.replace("postgres@", f"{role}@", 1)
        store.new_share_code(app_url)  # the app's role works: it adds a code and an audit row
        engine = sa.create_engine(app_url)
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            with engine.begin() as connection:
                connection.execute(sa.text("UPDATE audit SET actor = 'nobody'"))
        engine.dispose()
        db._ENGINES.pop(app_url).dispose()
    finally:
        with owner.begin() as connection:
            connection.execute(sa.text(f"DROP OWNED BY {role}"))
            connection.execute(sa.text(f"DROP ROLE {role}"))
    run = invoke("clinic", "init", "--db", f"sqlite:///{tmp_path / 'other.sqlite3'}", "--grant-to", "x")
    assert run.exit_code == 2 and "--grant-to is for PostgreSQL" in run.stderr


def test_the_share_page_names_what_is_wrong_beside_it_and_keeps_the_code(clinic_db, tmp_path):
    app, client = signed_in_client(clinic_db)
    code = new_code(client)
    damaged = tmp_path / "journal.json"
    damaged.write_text('{"format": "spinewise journal", "version": 1, "entries": [')
    lifter, answer = share_through_page(app, code, damaged)
    assert answer.status_code == 400
    assert re.search(r'id="journal-error">.*Your journal is damaged: it stops being valid JSON at line 1, column 59', answer.text)
    assert f'value="{code}"' in answer.text and "journal-error" in answer.text and "code-error" not in answer.text
    lifter, answer = share_through_page(app, "AAAAA-AAAAA", journey_journal("flare_after_sessions", tmp_path,
                                                                           FIRST_DAY))
    assert answer.status_code == 400 and re.search(r'id="code-error">.*share code is not known', answer.text)


def test_a_spanish_lifter_and_practitioner_read_the_clinic_in_spanish(clinic_db, tmp_path):
    """The clinic's pages were catalogue messages said in English whatever the browser asked for."""
    app, client = signed_in_client(clinic_db)
    code = new_code(client)
    lifter = app.test_client()
    share = lifter.get("/share", headers={"Accept-Language": "es-ES,es;q=0.9"}).text
    assert '<html lang="es">' in share and "Lo que verá la clínica" in share
    assert "What the clinic will see" not in share and "cada entrada de tu diario: la fecha" in share
    assert 'hreflang="en"' in share, "a visible switch back to English"

    english = lifter.get("/language/en/share", follow_redirects=True).text
    assert '<html lang="en">' in english and "What the clinic will see" in english

    damaged = tmp_path / "journal.json"
    damaged.write_bytes(b"{")
    answer = lifter.post("/share?lang=es", data={"csrf": csrf_of(share), "code": code, "consent": "yes",
                                                 "journal": (open(damaged, "rb"), "journal.json")},
                         content_type="multipart/form-data")
    assert answer.status_code == 400
    assert "Tu diario está dañado: deja de ser JSON válido en la línea 1" in answer.text
    assert "nothing was shared" not in answer.text and "no se ha compartido nada" in answer.text

    unknown = lifter.post("/share?lang=es", data={"csrf": csrf_of(share), "code": "AAAAA-AAAAA", "consent": "yes",
                                                  "journal": (open(journey_journal("flare_after_sessions", tmp_path,
                                                                                   FIRST_DAY), "rb"), "journal.json")},
                          content_type="multipart/form-data")
    assert "Este código para compartir no se conoce o ha caducado" in unknown.text

    guesser = app.test_client()
    signin = guesser.get("/signin", headers={"Accept-Language": "es"}).text
    wrong = guesser.post("/signin", data={"csrf": csrf_of(signin), "email": "ana@example.org", "password": "x"},
                         headers={"Accept-Language": "es"})
    assert "La dirección de correo electrónico o la contraseña no son correctas." in wrong.text

    listed = client.get("/list", headers={"Accept-Language": "es"}).text
    assert '<html lang="es">' in listed and ">Personas<" in listed
    assert client.get("/no-such-page", headers={"Accept-Language": "es"}).text.count("Página no encontrada") >= 1


def test_wrong_passwords_for_one_account_at_the_same_moment_are_all_counted(clinic_db):
    """Each wrong password counts even when several arrive at once (from several addresses, as a
    spread-out guesser sends them): after the limit the account is paused, right password or not."""
    from concurrent.futures import ThreadPoolExecutor

    app, _ = signed_in_client(clinic_db)
    forms = []
    for number in range(store.MAX_FAILED_SIGNINS):
        browser = app.test_client()
        here = {"REMOTE_ADDR": f"198.51.100.{number + 1}"}
        forms.append((browser, csrf_of(browser.get("/signin", environ_base=here).text), here))

    def attempt(form):
        browser, csrf, here = form
        return browser.post("/signin", data={"csrf": csrf, "email": "ana@example.org", "password": "wrong guess"},
                            environ_base=here).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(attempt, forms))
    assert statuses == [400] * store.MAX_FAILED_SIGNINS
    browser = app.test_client()
    here = {"REMOTE_ADDR": "203.0.113.9"}
    page = browser.get("/signin", environ_base=here).text
    answer = browser.post("/signin", data={"csrf": csrf_of(page), "email": "ana@example.org", "password": PASSWORD},
                          environ_base=here)
    assert answer.status_code != 302 and "paused until" in answer.text


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def test_a_spanish_practitioner_reads_the_clinical_content_in_spanish_with_dates_in_words(clinic_db, tmp_path):
    """Chrome in Spanish, clinical content in English: the list's labels and reasons, the lifter page's
    advice and history, the audit's subjects, and every date as YYYY-MM-DD. All Spanish now."""
    from spinewise.clinic.pages import audit_subject
    from spinewise.i18n import using

    app, client = signed_in_client(clinic_db)
    journals = [journey_journal("flare_after_sessions", tmp_path, FIRST_DAY),
                journey_journal("arched_lifter_back_to_usual_weight", tmp_path, FIRST_DAY)]
    first_only = tmp_path / "first"
    first_only.mkdir()
    journals.append(journey_journal("flare_after_sessions", first_only, FIRST_DAY, steps=0))
    labels = []
    for path in journals:
        _, answer = share_through_page(app, new_code(client), path)
        assert answer.status_code == 302
    client.get("/language/es/list")  # the switch: kept in a cookie for every page after
    page = client.get("/list").text
    labels = re.findall(r'href="/lifters/(L-[A-Z0-9]+)"', page)
    flare, complete = labels[0], labels[-1]
    text = _text(page)
    assert "Derivación sin confirmar" in text and "Programa completado" in text
    assert "La última entrada, del" in text and "dice «Deja los hip thrusts y pide cita con un profesional sanitario " \
                                               "colegiado», y ningún profesional sanitario la ha confirmado todavía." in text
    assert "Nada requiere atención: el programa está completado." in text
    assert "de noviembre de 2026" in text
    for english in ("Referred, not yet acknowledged", "Following the program", "Program complete", "The latest entry",
                    "Stop hip thrusts", "Keep training", "Pain out of 10"):
        assert english not in text, english
    assert "Sigue el programa" not in text, "a finished program is not 'following the program'"
    assert not ISO_DATE.search(text), ISO_DATE.search(text)

    lifter = _text(client.get(f"/lifters/{flare}").text)
    assert "Último consejo: Deja los hip thrusts y pide cita con un profesional sanitario colegiado" in lifter
    assert "Compartido desde el domingo, 6 de diciembre de 2026" in lifter
    assert "Pausa el hip thrust con carga y haz el programa correctivo" in lifter and "Primera valoración" in lifter
    assert "Stop hip thrusts" not in lifter and "Pause loaded hip thrusts" not in lifter
    assert not ISO_DATE.search(lifter), ISO_DATE.search(lifter)

    audit = _text(client.get("/audit").text)
    assert re.search(r"L-[A-Z0-9]+: 1 entrada nueva\b", audit) and re.search(r"L-[A-Z0-9]+: \d+ entradas nuevas", audit)
    assert re.search(r"\b3 personas\b", audit) and "new entries" not in audit and "lifters" not in audit
    assert re.search(r"\w+, \d+ de \w+ de \d{4} a las \d\d:\d\d:\d\d", audit) and not ISO_DATE.search(audit)
    with using("es"):
        assert audit_subject("init", "The clinic") == "La clínica"

    # The command line and its JSON keep codes and English; the audit log keeps English, plural right.
    listed = json.loads(invoke("clinic", "list", "--db", clinic_db, "--format", "json", "--date", TODAY).output)
    by_label = {row["lifter"]: row for row in listed}
    assert by_label[complete]["attention"] == "program_complete" and by_label[complete]["disposition"] == "continue_training"
    assert by_label[complete]["reasons"][0].startswith("Nothing needs attention: the program is complete. The latest "
                                                       "entry, on 2027-01-04, says “Keep training”")
    assert by_label[flare]["attention"] == "referral_not_acknowledged"
    lines = invoke("clinic", "audit", "--db", clinic_db).output
    assert re.search(r"share  L-[A-Z0-9]+: 1 new entry$", lines, re.M) and "1 new entries" not in lines
    english = _text(client.get("/list?lang=en").text)
    assert "Program complete" in english and "Following the program" not in english


def test_the_cli_says_how_many_processes_and_which_address_a_link_assumed(clinic_db):
    run = invoke("clinic", "add-practitioner", "--name", "Bo Li", "--email", "bo@example.org", "--role",
                 "practitioner", "--db", clinic_db)
    assert run.exit_code == 0 and re.fullmatch(r"http://localhost:8800/signup/[\w-]{43}\n", run.stdout)
    assert "assumes the clinic's web app is reached at http://localhost:8800" in run.stderr and "--url" in run.stderr
    given = invoke("clinic", "add-practitioner", "--name", "Cy Wu", "--email", "cy@example.org", "--role",
                   "practitioner", "--db", clinic_db, "--url", "https://clinic.example.org/")
    assert given.stdout.startswith("https://clinic.example.org/signup/") and "assumes" not in given.stderr

    from spinewise.clinic import serve
    from spinewise.i18n import using

    said = []

    class Stop(Exception):
        pass

    def say(line):
        said.append(line)
        raise Stop

    for workers, words in ((1, "(1 process;"), (2, "(2 processes;")):
        with pytest.raises(Stop):
            serve.serve(clinic_db, "127.0.0.1", 0, workers=workers, say=say)
        assert words in said[-1], said[-1]
    with using("es"), pytest.raises(Stop):
        serve.serve(clinic_db, "127.0.0.1", 0, workers=1, say=say)
    assert "(1 proceso;" in said[-1]
