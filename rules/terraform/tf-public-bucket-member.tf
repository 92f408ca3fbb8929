resource "google_storage_bucket_iam_member" "public" {
  bucket = google_storage_bucket.site.name
  role   = "roles/storage.objectViewer"
  # ruleid: tf-public-bucket-member
  member = "allUsers"
}

resource "google_storage_bucket_iam_binding" "team" {
  bucket = google_storage_bucket.site.name
  role   = "roles/storage.objectViewer"
  # ok: tf-public-bucket-member
  members = ["group:data-team@acme.example"]
}

resource "azurerm_storage_container" "media" {
  name                 = "media"
  storage_account_name = azurerm_storage_account.main.name
  # ruleid: tf-public-bucket-member
  container_access_type = "blob"
}

resource "azurerm_storage_container" "private" {
  name                 = "private"
  storage_account_name = azurerm_storage_account.main.name
  # ok: tf-public-bucket-member
  container_access_type = "private"
}
