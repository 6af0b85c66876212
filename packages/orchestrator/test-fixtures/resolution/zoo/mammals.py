from .base import Animal


class Mammal(Animal):
    def name(self):
        return "mammal"
