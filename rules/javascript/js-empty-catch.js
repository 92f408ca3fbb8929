async function save(db, record) {
  try {
    await db.insert(record);
  // ruleid: js-empty-catch
  } catch (err) {}

  try {
    await db.audit(record);
  // ruleid: js-empty-catch
  } catch {
    // ignore
  }

  try {
    await db.flush();
  // ok: js-empty-catch
  } catch (err) {
    logger.error({ err }, "flush failed");
    throw err;
  }

  // ruleid: js-empty-catch
  fetch("/metrics", { method: "POST" }).catch(() => {});
  // ruleid: js-empty-catch
  db.close().catch(function (e) {});
  // ok: js-empty-catch
  db.close().catch((e) => logger.warn({ e }, "close failed"));
}
