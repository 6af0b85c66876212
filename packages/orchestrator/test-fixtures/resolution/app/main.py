import shop.models as models
from shop import Product, helper
from shop.stars import *
from . import config
from .config import DEBUG as verbose

counter = 0


def bump():
    global counter
    counter = counter + 1
    return counter


def make_adder(step):
    total = 0

    def add(value):
        nonlocal total
        total = total + value + step
        return total

    return add


class Cart(models.Base):
    def fill(self, n):
        items = [Product() for _ in range(n)]
        return helper(items), exported(), unlisted(), verbose, config.DEBUG


class Basket(Product):
    def fill(self, n):
        squares = [x * n for x in range(n)]
        return self.total(n) + len(squares) + bump()
