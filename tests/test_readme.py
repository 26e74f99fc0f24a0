"""The README tells the truth about the repository it ships in: its links resolve to files
of the repository, its Compose section names every variable docker-compose.yml requires and
every service it starts, its roles are the app's, and the run banner and the README list
every demo login (one list: ``compacts.demo.DEMO_USERS``)."""

import re
from pathlib import Path

import yaml
from django.core.management import call_command

from compacts.demo import DEMO_USERS
from cpc.access.roles import ROLES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _section(title: str) -> str:
    start = README.index(f"## {title}\n")
    following = README.find("\n## ", start + 1)
    return README[start:following if following != -1 else None]


def test_every_link_of_the_readme_is_a_file_of_the_repository():
    targets = re.findall(r"\]\(([^)\s]+)\)", README)
    local = [t.split("#", 1)[0] for t in targets
             if not re.match(r"(https?|mailto):", t) and not t.startswith("#")]
    assert local, "no relative link found: the test no longer reads the README"
    for target in local:
        path = (ROOT / target).resolve()
        assert path.is_relative_to(ROOT), f"{target} is outside the repository"
        assert path.exists(), f"{target} does not exist"
    # Nor a path outside it in the text (a sibling checkout's file).
    assert not re.search(r"`\.\./|\(\.\./", README)


def test_the_compose_section_names_every_required_variable_and_every_service():
    compose_text = (ROOT / "docker-compose.yml").read_text()
    required = set(re.findall(r"\$\{(\w+):\?", compose_text))
    assert {"DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "MINIO_ROOT_USER",
            "MINIO_ROOT_PASSWORD"} <= required
    section = _section("Docker Compose")
    exported = set(re.findall(r"^export (\w+)=", section, re.M))
    assert exported == required
    services = set(yaml.safe_load(compose_text)["services"])
    described = set(re.findall(r"^\| `([\w-]+)` \|", section, re.M))
    assert described == services
    for name, service in yaml.safe_load(compose_text)["services"].items():
        replicas = service.get("deploy", {}).get("replicas")
        if replicas and replicas > 1:
            row = next(line for line in section.splitlines() if line.startswith(f"| `{name}` |"))
            assert f"{replicas} replicas" in row, row


def test_the_roles_sentence_names_every_role():
    sentence = re.search(r"Roles are Django groups \(([^)]*)\)", README.replace("\n", " "))
    assert sentence
    assert set(re.findall(r"`(\w+)`", sentence.group(1))) == set(ROLES)


def test_the_run_banner_and_the_readme_list_every_demo_login(capsys):
    call_command("demo_logins", "--indent", "4")
    banner = capsys.readouterr().out.splitlines()
    usernames = [username for username, *_ in DEMO_USERS]
    assert [line.split()[0] for line in banner] == usernames
    assert all(line.startswith("    ") and len(line.split()) > 1 for line in banner)
    run = (ROOT / "scripts" / "run").read_text()
    assert "manage.py demo_logins" in run
    # The banner takes the list from there rather than a copy of its own.
    assert not any(re.search(rf"^\s+{re.escape(u)}\s", run, re.M) for u in usernames)
    table = set(re.findall(r"^\| `([\w.]+)` \|", README, re.M))
    assert set(usernames) <= table
