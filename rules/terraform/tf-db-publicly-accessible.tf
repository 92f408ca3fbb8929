resource "aws_db_instance" "app" {
  engine            = "postgres"
  storage_encrypted = true
  # ruleid: tf-db-publicly-accessible
  publicly_accessible = true
}

resource "aws_redshift_cluster" "warehouse" {
  cluster_identifier = "warehouse"
  # ok: tf-db-publicly-accessible
  publicly_accessible = false
}
