DEFAULT_PRICE = 10


class Base:
    kind = "base"

    def price(self):
        return DEFAULT_PRICE

    def describe(self):
        return kind_of(self) + str(self.price())


def kind_of(obj):
    return obj.kind


class Item(Base):
    DEFAULT_PRICE = 20
    label = DEFAULT_PRICE

    def total(self, count):
        return self.price() * count + DEFAULT_PRICE
