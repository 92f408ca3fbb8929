import yaml


def read_config(stream, text):
    # ruleid: py-yaml-load
    config = yaml.load(stream, Loader=yaml.Loader)
    # ruleid: py-yaml-load
    legacy = yaml.load(text)
    # ruleid: py-yaml-load
    everything = yaml.unsafe_load(text)
    # ok: py-yaml-load
    safe = yaml.safe_load(text)
    # ok: py-yaml-load
    also_safe = yaml.load(text, Loader=yaml.SafeLoader)
    return config, legacy, everything, safe, also_safe
