resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
  # ruleid: tf-s3-public-acl
  acl = "public-read"
}

resource "aws_s3_bucket_acl" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  # ruleid: tf-s3-public-acl
  acl = "public-read-write"
}

resource "aws_s3_bucket_acl" "logs" {
  bucket = aws_s3_bucket.logs.id
  # ok: tf-s3-public-acl
  acl = "private"
}
