# Never starts an event loop.
print("just a plain script")
