from .ring_b import ring
