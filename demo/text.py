"""Numbers as the commands print them, the Vietnamese way."""


def vn_number(value):
    """Format an integer the Vietnamese way: 1.759."""
    return f"{value:,}".replace(",", ".")


def vn_seconds(seconds):
    """Format a duration to a tenth of a second: "12,3 giây"."""
    return f"{seconds:.1f} giây".replace(".", ",")
