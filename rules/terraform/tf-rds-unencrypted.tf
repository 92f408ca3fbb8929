# ruleid: tf-rds-unencrypted
resource "aws_db_instance" "app" {
  engine         = "postgres"
  instance_class = "db.t4g.micro"
}

# ok: tf-rds-unencrypted
resource "aws_rds_cluster" "analytics" {
  engine            = "aurora-postgresql"
  storage_encrypted = true
}

# ok: tf-rds-unencrypted
resource "aws_s3_bucket" "not_a_database" {
  bucket = "acme-data"
}
