# ruleid: tf-ebs-unencrypted
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
}

# ruleid: tf-ebs-unencrypted
resource "aws_ebs_volume" "scratch" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false
}

# ok: tf-ebs-unencrypted
resource "aws_ebs_volume" "secure" {
  availability_zone = "eu-west-1a"
  size              = 100
  encrypted         = true
  kms_key_id        = aws_kms_key.ebs.arn
}
