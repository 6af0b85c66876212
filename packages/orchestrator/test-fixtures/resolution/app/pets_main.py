from zoo import Hound
from zoo.ring_a import ring


def walk():
    return Hound().bark(), ring()
