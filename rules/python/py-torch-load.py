import torch


def restore(path):
    # ruleid: py-torch-load
    state = torch.load(path)
    # ruleid: py-torch-load
    other = torch.load(path, map_location="cpu", weights_only=False)
    # ok: py-torch-load
    weights = torch.load(path, weights_only=True)
    return state, other, weights
