def shout():
    return "A!"


def whisper():
    return "a"
