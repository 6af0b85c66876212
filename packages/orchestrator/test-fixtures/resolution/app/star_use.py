from zoo.calls_a import *
from zoo.calls_b import *


def use():
    return shout(), whisper()
