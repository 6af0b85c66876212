import zoo.base
import zoo.dogs as dogs
from zoo import mammals


class Cat(zoo.base.Animal):
    pass


class Wolf(mammals.Mammal):
    def howl(self):
        return self.speak()


def adopt():
    return dogs.Dog(), mammals.Mammal(), zoo.base.Animal(), zoo.base.Animal.speak(Cat()), zoo.dogs.Dog(), dogs.make()
