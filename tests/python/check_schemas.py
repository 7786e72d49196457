"""Every shipped scenario, sweep and calibration file validates against the JSON Schema its
`#:schema` line names, with the `jsonschema` package (what an editor's TOML plugin applies),
and the schemas refuse the values `reformsim validate` refuses: a share of 1.4, a department
capacity of 0, a name with a space, a sweep with 0 replicates.

Usage: python tests/python/check_schemas.py [REPOSITORY]
"""

import copy
import datetime
import json
import pathlib
import sys
import tomllib

from jsonschema import Draft202012Validator


def plain(value):
    """TOML dates as the strings an editor's TOML plugin hands the schema."""
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def schema_of(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#:schema "), f"{path}: no #:schema line at the top"
    schema_path = (path.parent / first.split(maxsplit=1)[1]).resolve()
    return Draft202012Validator(json.loads(schema_path.read_text(encoding="utf-8")))


def errors(validator, document):
    return [
        "/".join(str(p) for p in e.absolute_path) + ": " + e.message
        for e in validator.iter_errors(document)
    ]


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    files = sorted((root / "scenarios").rglob("*.toml"))
    assert len(files) >= 12, files
    for path in files:
        document = plain(tomllib.loads(path.read_text(encoding="utf-8")))
        found = errors(schema_of(path), document)
        assert not found, f"{path}: {found}"
    print(f"{len(files)} shipped files validate against their schemas")

    baseline_path = root / "scenarios" / "chengdu-baseline.toml"
    scenario_schema = schema_of(baseline_path)
    baseline = plain(tomllib.loads(baseline_path.read_text(encoding="utf-8")))
    # Each refused value, and a control that differs only in that value and passes, so the
    # refusal is the value's.
    department = {
        "name": "commerce",
        "categories": ["market"],
        "capacity": 0,
        "service_days_mean": 4.2,
        "service_days_cv": 1.5,
    }
    tiers = {"leading": 0.0034, "key": 0.031, "above_scale": 0.2828}
    cases = [
        (
            "population.tier_shares.other = 1.4",
            ["population", "tier_shares"],
            dict(tiers, other=1.4),
            dict(tiers, other=0.6828),
        ),
        ("departments[0].capacity = 0", ["departments"], [department], [dict(department, capacity=1)]),
        ('scenario.name = "bad name"', ["scenario", "name"], "bad name", "good-name"),
    ]
    for what, path, bad, good in cases:
        for value, refused in [(bad, True), (good, False)]:
            document = copy.deepcopy(baseline)
            node = document
            for key in path[:-1]:
                # A section the baseline leaves to its defaults is written out.
                node = node.setdefault(key, {})
            node[path[-1]] = value
            found = errors(scenario_schema, document)
            assert bool(found) == refused, f"{what}: value {value!r}: {found}"
        print(f"refused: {what}")

    sweep_path = root / "scenarios" / "sweeps" / "triage-capacity.toml"
    sweep = plain(tomllib.loads(sweep_path.read_text(encoding="utf-8")))
    sweep["sweep"]["replicates"] = 0
    assert errors(schema_of(sweep_path), sweep), "the sweep schema accepts replicates = 0"
    print("refused: sweep.replicates = 0")


if __name__ == "__main__":
    main()
