"""Every user-visible string of a template is marked for translation."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ["templates", "portal", "agencies", "agents", "consumers", "delegations", "bookofbusiness", "extranet"]
# Words that are the same in every language the portal speaks, or name a language in itself.
UNTRANSLATED_OK = {"English", "Español", "CA", "SHA-256", "XLSX", "CSV", "PDF", "ZIP", "APTC", "FEIN", "ID"}
# The server-error pages are static and bilingual on purpose: they are shown when anything may be broken.
STATIC_PAGES = {"templates/500.html", "templates/503.html"}

BLOCKS = re.compile(
    r"{%\s*(blocktranslate|blocktrans|comment)\b.*?{%\s*end(blocktranslate|blocktrans|comment)\s*%}", re.S
)
TAG_OR_VARIABLE = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
VISIBLE_ATTRIBUTE = re.compile(r'\b(alt|title|aria-label|placeholder|data-confirm)="([^"]*)"', re.I)
HTML_TAG = re.compile(r"<[^>]+>")


def templates():
    for app in APPS:
        base = ROOT / app
        yield from (path for path in base.rglob("templates/**/*") if path.suffix in (".html", ".txt"))
        if app == "templates":
            yield from (path for path in base.rglob("*") if path.suffix in (".html", ".txt"))


def untranslated(source: str) -> list[str]:
    text = BLOCKS.sub(" ", source)
    text = SCRIPT_STYLE.sub(" ", HTML_COMMENT.sub(" ", text))
    found = [
        value
        for _name, value in VISIBLE_ATTRIBUTE.findall(text)
        if re.search(r"[A-Za-z]", TAG_OR_VARIABLE.sub("", value))
    ]
    text = TAG_OR_VARIABLE.sub(" ", text)
    text = HTML_TAG.sub("\n", text)
    for line in text.splitlines():
        words = re.findall(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’-]*", line)
        if any(word not in UNTRANSLATED_OK for word in words):
            found.append(line.strip())
    return found


def test_no_template_holds_a_string_not_marked_for_translation():
    problems = {}
    for path in sorted(set(templates())):
        if str(path.relative_to(ROOT)) in STATIC_PAGES:
            continue
        found = untranslated(path.read_text())
        if found:
            problems[str(path.relative_to(ROOT))] = found
    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())


def test_the_check_finds_a_bare_string():
    assert untranslated("<p>Hello</p>") == ["Hello"]
    assert untranslated('<img alt="Logo">') == ["Logo"]
    assert untranslated('<p>{% translate "Hello" %}</p><p>{{ name }} · CSV</p>') == []
    assert untranslated("{% blocktranslate %}Hello {{ n }}{% endblocktranslate %}") == []


@pytest.mark.django_db
def test_the_language_switch_persists_for_the_person_and_speaks_spanish_everywhere(client):
    from django.test import Client

    from .factories import UserFactory, sign_in

    user = UserFactory()
    sign_in(client, user)
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/help/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "es"
    elsewhere = sign_in(Client(), user)  # another browser, no language cookie yet
    page = elsewhere.get("/help/").content.decode()
    assert '<html lang="es">' in page and "Centro de Servicio para Agentes" in page and ">English<" in page


@pytest.mark.django_db
def test_spanish_pages_write_dates_in_spanish_and_money_as_in_the_us(client):
    import datetime
    from decimal import Decimal

    from .factories import ConsumerCaseFactory, EnrollmentFactory, agency_with_manager, delegate, sign_in

    agency, manager = agency_with_manager()
    case = ConsumerCaseFactory(date_of_birth=datetime.date(1985, 3, 9))
    EnrollmentFactory(case=case, monthly_premium=Decimal("1234.50"), aptc=Decimal("200.00"))
    delegate(case, agent=manager, agency=agency)
    sign_in(client, manager.user)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "$1,234.50" in page and "$1,034.50" in page
    assert "Hogar" in page and "Elegibilidad" in page


@pytest.mark.django_db
def test_the_case_pages_upload_form_speaks_the_readers_language(client):
    """Its hint and the items it offers are written per request, not once in the language the process began in."""
    import datetime

    from .factories import ConsumerCaseFactory, VerificationFactory, agency_with_manager, delegate, sign_in

    agency, manager = agency_with_manager()
    case = ConsumerCaseFactory()
    VerificationFactory(case=case, due_date=datetime.date(2027, 3, 9))
    delegate(case, agent=manager, agency=agency)
    sign_in(client, manager.user)
    english = client.get(f"/cases/{case.pk}/").content.decode()
    assert "PDF, JPEG or PNG, at most" in english and "03/09/2027" in english
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    spanish = client.get(f"/cases/{case.pk}/").content.decode()
    assert "PDF, JPEG o PNG, de" in spanish and "PDF, JPEG or PNG" not in spanish
    assert "09/03/2027" in spanish


def test_every_string_of_the_catalogue_is_translated():
    """Strings marked in code and templates all have their Spanish (run makemessages, then translate)."""
    from django.conf import settings as django_settings

    with open(Path(django_settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po", encoding="utf-8") as po:
        text = po.read()
    entries = text.split("\n\n")[1:]
    empty = [entry for entry in entries if re.search(r'^msgstr ""\Z', entry.strip(), re.M) and "msgstr[" not in entry]
    assert not empty, f"{len(empty)} entries without Spanish, e.g. {empty[:2]}"
