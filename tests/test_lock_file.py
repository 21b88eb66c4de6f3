"""One lock file, uv.lock, decides every Python package on every machine: make, CI and the image install from it."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def locked_packages() -> dict[str, dict]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    return {canonicalize_name(package["name"]): package for package in lock["package"]}


def declared_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    assert {"dev", "load", "s3"} <= set(extras), "the lock covers the main, dev, load and s3 dependencies"
    return [
        Requirement(line)
        for line in [*project["dependencies"], *(line for group in extras.values() for line in group)]
    ]


def test_every_declared_dependency_is_locked_at_a_version_it_allows():
    locked = locked_packages()
    for requirement in declared_requirements():
        package = locked.get(canonicalize_name(requirement.name))
        assert package is not None, f"{requirement.name} is in pyproject.toml but not in uv.lock: run `make lock`"
        assert requirement.specifier.contains(package["version"], prereleases=True), (
            f"uv.lock has {requirement.name} {package['version']}, which pyproject.toml's {requirement} refuses"
        )


def test_every_locked_file_is_pinned_by_its_hash():
    for name, package in locked_packages().items():
        if package.get("source", {}).get("virtual"):
            continue  # the portal itself: not installed, it runs from its folder
        files = [*package.get("wheels", []), *([package["sdist"]] if "sdist" in package else [])]
        assert files, f"{name} has no file in the lock"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", entry["hash"]) for entry in files), name


def test_the_lock_is_for_cpython_311_on_linux():
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    assert lock["requires-python"] == "==3.11.*"
    # CPython alone: a PyPy branch of the resolution has no wheels for psycopg's binary package.
    assert lock["supported-markers"] == ["platform_python_implementation == 'CPython' and sys_platform == 'linux'"]


def test_make_ci_and_the_image_install_from_the_lock_and_nothing_else():
    makefile = (ROOT / "Makefile").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "sync --quiet --locked" in makefile, "make installs exactly the lock, refusing one out of date"
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "uv export --locked" in dockerfile and "--require-hashes" in dockerfile
    # Every pip install is either of uv itself, at the one version the Makefile names, or of the lock's export.
    (version,) = re.findall(r"^UV_VERSION := (\S+)$", makefile, re.M)
    for text in (makefile, dockerfile):
        for line in re.findall(r"pip install[^\n]*", text):
            assert (
                re.search(rf'"uv==(\$\(UV_VERSION\)|{re.escape(version)})"', line) or "--require-hashes -r" in line
            ), line
    assert "uv==" + version in dockerfile
    assert locked_packages().keys() >= {"django", "django-allauth", "pytest", "locust", "boto3"}
