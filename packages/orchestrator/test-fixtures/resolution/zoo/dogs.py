from zoo.mammals import Mammal


class Dog(Mammal):
    def bark(self):
        return self.speak() + self.name()

    @classmethod
    def make(cls):
        return cls.speak(cls())
