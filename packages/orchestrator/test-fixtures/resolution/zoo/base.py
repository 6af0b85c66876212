class Animal:
    def speak(self):
        return "..."

    def name(self):
        return "animal"
