from .dogs import Dog


class Walker:
    def move(self):
        return "walk"


class Swimmer:
    def move(self):
        return "swim"

    def speak(self):
        return "blub"


class Duck(Walker, Swimmer):
    def go(self):
        return self.move()


class Puppy(Dog, Swimmer):
    def play(self):
        return self.speak()


class Pond(Swimmer):
    def fill(self):
        return self.ripple()
