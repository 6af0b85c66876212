def helper(value):
    return value


def _hidden():
    return 0


TAX = 2
