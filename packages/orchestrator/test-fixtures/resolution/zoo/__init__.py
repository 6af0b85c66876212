from .pets import Dog as Hound
