"""Reading long sequences a chunk at a time (itertools.batched arrives with Python 3.12)."""


def batched(iterable, size):
    """Yield lists of ``size`` items of ``iterable`` (the last one shorter)."""
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
