"""Block one: BatchNorm, Dropout and Softmax, each on its own with a random upstream gradient `dy`."""
