from .ring_a import ring
