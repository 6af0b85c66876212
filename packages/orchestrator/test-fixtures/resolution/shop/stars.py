__all__ = ["exported"]


def exported():
    return 1


def unlisted():
    return 2
