import stripe

# ruleid: py-hardcoded-secret
API_KEY = "taJyZN8QXqj2Dj8SNr6Z"
# ruleid: py-hardcoded-secret
stripe.api_key = "rk_live_51HqLyjWDarjtT1zdp7dc8mQ2x9Vb"


def client(make):
    # ruleid: py-hardcoded-secret
    return make(client_secret="EOLqrOVlYbzBeQIXIu_lQiB2Idh7fpK71hemdmlrfV1Uw")


# ok: py-hardcoded-secret
SECRET_KEY_ENV = "DJANGO_SECRET_KEY"
# ok: py-hardcoded-secret
token = "placeholder"
