def shout():
    return "B!"
