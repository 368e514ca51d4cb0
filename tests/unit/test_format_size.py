"""File sizes as people read them, in their language (app.platform.formatting.format_size)."""
from app.platform import formatting as fmt


def test_sizes():
    assert fmt.format_size(38_200) == "38 kB"
    assert fmt.format_size(120) == "1 kB"  # never "0 kB" for a file that exists
    assert fmt.format_size(1_250_000) == "1.2 MB"
    assert fmt.format_size(1_250_000, locale="fr") == "1,2\u202fMo"
