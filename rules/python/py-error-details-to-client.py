import traceback

from fastapi import HTTPException
from flask import jsonify


def get_order(db, order_id):
    try:
        return jsonify(db.order(order_id))
    except Exception as e:
        # ruleid: py-error-details-to-client
        return {"error": str(e)}, 500


def get_user(db, user_id):
    try:
        return jsonify(db.user(user_id))
    except Exception:
        # ruleid: py-error-details-to-client
        return jsonify(error=traceback.format_exc()), 500


def delete(db, item_id):
    try:
        db.delete(item_id)
    except KeyError as err:
        # ruleid: py-error-details-to-client
        raise HTTPException(status_code=404, detail=f"lookup failed: {err}")


def update(db, item_id):
    try:
        db.update(item_id)
    except Exception as e:
        log.exception("update failed")
        # ok: py-error-details-to-client
        return {"error": "internal error"}, 500
    # ok: py-error-details-to-client
    return {"status": "ok"}


def describe(repo, path):
    try:
        return repo.relpath(path)
    except ValueError as err:
        # ok: py-error-details-to-client
        return f"{err}: kept in memory only"


def text_status(db, key):
    try:
        return db.get(key), 200
    except KeyError as e:
        # ruleid: py-error-details-to-client
        return f"missing: {e}", 404


def fetch(conn):
    try:
        return conn.read()
    except OSError as e:
        # ok: py-error-details-to-client
        raise HTTPException(str(e))
