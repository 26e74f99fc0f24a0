"""Text colours that once failed WCAG AA's 4.5:1 on their background: the indicator's unit and
direction line ("Count · higher is better", 3.49:1 on the table's grey) and the hints inside
the grey panels (4.02:1). The colours are USWDS's, read from its own style sheet."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CPC_CSS = (ROOT / "static" / "css" / "cpc.css").read_text()
USWDS_CSS = (ROOT / "static" / "vendor" / "uswds" / "css" / "uswds.min.css").read_text()


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def uswds_colour(utility: str, prop: str = "color") -> str:
    found = re.search(r"\." + re.escape(utility) + r"(?:,[^{]*)?\{" + prop + r":(#[0-9a-f]{6})",
                      USWDS_CSS)
    assert found, utility
    return found.group(1)


def test_the_contrast_function_matches_wcag_examples():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    # The failures once reported: hint grey on the grey panel, and on the table's darker grey.
    assert 4.02 <= contrast("#71767a", "#f0f0f0") < 4.04
    assert 3.49 <= contrast("#71767a", "#dfe1e2") < 3.51


def test_hints_in_grey_panels_reach_aa():
    grey = uswds_colour("bg-base-lightest", "background-color")
    rule = re.search(r"\.bg-base-lightest \.usa-hint \{\s*color: (#[0-9a-f]{6});", CPC_CSS)
    assert rule, "the grey panels' hint colour is set in cpc.css"
    assert contrast(rule.group(1), grey) >= 4.5


def test_the_indicator_unit_line_reaches_aa_on_striped_rows():
    for template in ("indicators/_compact_indicators_body.html", "indicators/data_entry.html"):
        text = (ROOT / "templates" / template).read_text()
        line = re.search(
            r'<span class="font-sans-3xs ([^"]*)">\{\{ row\.indicator\.get_unit_display', text)
        assert line, template
        colour = next(c for c in line.group(1).split() if c.startswith("text-base"))
        for background in ("#ffffff", uswds_colour("bg-base-lightest", "background-color"),
                           uswds_colour("bg-base-lighter", "background-color")):
            assert contrast(uswds_colour(colour), background) >= 4.5, (template, colour)
