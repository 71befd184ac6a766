"""Configuration: the example loads; a wrong or missing value is one clear line and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import EXIT_CONFIG, main
from bot.config import ConfigError, load_config, parse_config
from tests.conftest import BASE_CONFIG

ROOT = Path(__file__).resolve().parents[2]


def test_example_config_loads_with_token_from_environment() -> None:
    config = load_config(ROOT / "config.example.toml", environ={"ORDERDESK_TOKEN": "42:SECRET"})
    assert config.telegram.token.get_secret_value() == "42:SECRET"
    assert "SECRET" not in repr(config)
    assert config.business.currency == "CNY"
    assert [d.code for d in config.delivery] == ["courier", "pickup"]
    assert config.fee_minor(config.delivery[0]) == 1500
    assert config.payment_term("net30") is not None
    assert config.performance.workers == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"business": {"currency": "XXY"}}, "business.currency: 'XXY' is not an ISO 4217"),
        ({"business": {"timezone": "Mars/Olympus"}}, "business.timezone: 'Mars/Olympus' is not"),
        ({"business": {"default_language": "de"}}, "business.default_language"),
        ({"business": {"colour": "red"}}, "business.colour: is not a known setting"),
        ({"delivery": []}, "delivery: List should have at least 1 item"),
        ({"checkout": {"default_payment_terms": ["gold"]}}, "payment term gold is not among"),
        ({"review": {"manager_threshold": "lots"}}, "review.manager_threshold: 'lots' is not"),
        ({"tax": {"rate_percent": "120"}}, "tax.rate_percent: must be between 0 and 100"),
        ({"payment_terms": [{"code": "n", "kind": "net"}]}, "a 'net' term needs days"),
        ({"performance": {"workers": -1}}, "performance.workers: Input should be greater"),
    ],
)
def test_wrong_values_name_the_key(change: dict[str, object], expected: str) -> None:
    data = {**BASE_CONFIG, **change}
    if "business" in change:
        data["business"] = {**BASE_CONFIG["business"], **change["business"]}  # type: ignore[dict-item]
    with pytest.raises(ConfigError) as caught:
        parse_config(data, environ={})
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_section_is_named() -> None:
    data = {k: v for k, v in BASE_CONFIG.items() if k != "payment_terms"}
    with pytest.raises(ConfigError, match="payment_terms: is missing"):
        parse_config(data, environ={})


def test_fee_with_too_many_decimals_is_refused() -> None:
    delivery = [{"code": "x", "fee": "1.234", "names": {"en": "X"}}]
    with pytest.raises(ConfigError, match=r"delivery\.x\.fee: CNY has 2 decimals"):
        parse_config({**BASE_CONFIG, "delivery": delivery}, environ={})


def test_cli_prints_one_line_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text('[business]\ncurrency = "NOPE"\n', encoding="utf-8")
    assert main(["--config", str(bad), "migrate"]) == EXIT_CONFIG
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "configuration error" in err and "Traceback" not in err


def test_cli_missing_file_and_empty_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(tmp_path / "none.toml"), "run"]) == EXIT_CONFIG
    assert "file not found" in capsys.readouterr().err
    good = tmp_path / "config.toml"
    good.write_text((ROOT / "config.example.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["--config", str(good), "run"]) == EXIT_CONFIG
    assert "telegram.token: is empty" in capsys.readouterr().err


def test_cli_not_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text("this is = = not toml", encoding="utf-8")
    assert main(["--config", str(bad), "migrate"]) == EXIT_CONFIG
    assert "not valid TOML" in capsys.readouterr().err
