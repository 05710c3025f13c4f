"""PyTorch networks behind halftime's neural forecasters.

Each network lives in one module that reads top to bottom: its frozen config, its
blocks, then the model. Parts that stand as concepts of their own (the Informer's
attention mechanisms and its input embedding) have their own modules, read first.
The forecasters in :mod:`halftime.forecasters` wrap the networks with scaling,
training and saving; nothing here knows about games or files.
"""
