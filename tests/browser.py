"""Helpers for the browser journeys: signing in as a person does, screenshots kept as artefacts, and the
axe-core accessibility check."""

import json
import os
import re
from pathlib import Path

from .conftest import ARTIFACTS
from .factories import current_code, verified_device

AXE = Path(__file__).parent / "assets" / "axe-core" / "axe.min.js"
PASSWORD = "Journey-Pass-2026!"


def shot(page, name: str) -> Path:
    """Keep a screenshot of the page under test-artifacts/<test>/<name>.png."""
    test = re.sub(r"[^\w.-]+", "_", os.environ.get("PYTEST_CURRENT_TEST", "journey").split(" ")[0].split("::")[-1])
    folder = Path(ARTIFACTS) / test
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, user, password=PASSWORD):
    """Sign in through the sign-in page and the second factor, with the code an authenticator would show."""
    user.set_password(password)
    user.save()
    device = verified_device(user)
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("textbox", name=re.compile("code|código", re.I)).fill(current_code(device))
    page.get_by_role("button", name=re.compile("^(Verify|Verificar)$")).click()
    page.wait_for_load_state()


def accessibility_problems(page) -> list[str]:
    """The serious and critical WCAG 2.1 AA violations axe-core finds on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())  # evaluated by the browser's debugger, so the page's CSP stays strict
    result = page.evaluate(
        "async () => JSON.stringify(await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}))"
    )
    violations = json.loads(result)["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[node['target'] for node in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
