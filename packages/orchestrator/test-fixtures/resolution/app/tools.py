from shop.util import *


def run():
    return helper(TAX) + _hidden()
