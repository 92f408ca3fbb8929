from Crypto.Cipher import AES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def enc(key, iv):
    # ruleid: py-ecb-mode
    a = AES.new(key, AES.MODE_ECB)
    # ruleid: py-ecb-mode
    b = Cipher(algorithms.AES(key), modes.ECB())
    # ok: py-ecb-mode
    c = AES.new(key, AES.MODE_GCM)
    # ok: py-ecb-mode
    d = Cipher(algorithms.AES(key), modes.CBC(iv))
    return a, b, c, d
